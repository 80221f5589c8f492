set -euo pipefail
cp "$EVAL_TASK_DIR/repo/test_todo.py" test_todo.py
python3 -m unittest -q test_todo
export TODO_FILE="$(mktemp -d)/todo.json"
echo '[{"title": "old item", "done": false}]' > "$TODO_FILE"
python3 -m todo add "pay rent" --priority high
python3 -m todo add "water plants" --priority low
python3 -m todo add "read mail"
python3 -m todo add "call bank" --priority high
if python3 -m todo add "bad" --priority urgent 2>/dev/null; then echo "an unknown priority was accepted"; exit 1; fi
out="$(python3 -m todo list)"
expected="$(printf '[high] pay rent\n[high] call bank\n[normal] old item\n[normal] read mail\n[low] water plants')"
if [ "$out" != "$expected" ]; then printf 'list printed:\n%s\nexpected:\n%s\n' "$out" "$expected"; exit 1; fi
python3 - <<'PY'
import json, os
items = json.load(open(os.environ["TODO_FILE"]))
assert {i["title"]: i.get("priority") for i in items}["pay rent"] == "high", items
assert len(items) == 5, items
PY
