set -euo pipefail
cp "$EVAL_TASK_DIR/repo/test_contacts.py" test_contacts.py
cp "$EVAL_TASK_DIR/repo/contacts.csv" contacts.csv
python3 -m unittest -q test_contacts
printf 'a,b\n"x, ""y""",2\n\n3,"4\n5"\n' > /tmp/eval-contacts-$$.csv
python3 - /tmp/eval-contacts-$$.csv <<'PY'
import sys
from contacts import load_contacts
rows = load_contacts(sys.argv[1])
assert rows == [{"a": 'x, "y"', "b": "2"}, {"a": "3", "b": "4\n5"}], rows
PY
rm -f /tmp/eval-contacts-$$.csv
