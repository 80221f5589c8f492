set -euo pipefail
bash "$EVAL_TASK_DIR/gen.sh" .
git add -A && git commit -q -m "Add this month's logs"
