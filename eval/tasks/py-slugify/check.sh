set -euo pipefail
# The tests as shipped (an agent may not pass by editing them), then a few the agent never saw.
cp "$EVAL_TASK_DIR/repo/test_slug.py" test_slug.py
python3 -m unittest -q test_slug
python3 - <<'PY'
from slug import slugify
assert slugify("  Ça va -- bien?  ") == "ca-va-bien", slugify("  Ça va -- bien?  ")
assert slugify("naïve_café") == "naive-cafe", slugify("naïve_café")
assert slugify("---") == ""
PY
