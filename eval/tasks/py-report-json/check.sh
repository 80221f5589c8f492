set -euo pipefail
cp "$EVAL_TASK_DIR/repo/sales.csv" sales.csv
expected_table="$(cat <<'TABLE'
region      orders     revenue
east             1      300.10
north            2      140.49
south            2       85.25
total            5      525.84
TABLE
)"
[ "$(python3 -m report sales.csv)" = "$expected_table" ] || { echo "the default output changed"; exit 1; }
[ "$(python3 -m report sales.csv --format table)" = "$expected_table" ] || { echo "--format table differs from the default"; exit 1; }
python3 -m report sales.csv --format json > /tmp/eval-report-$$.json
python3 - /tmp/eval-report-$$.json <<'PY'
import json, sys
got = json.load(open(sys.argv[1]))
want = {"regions": [{"region": "east", "orders": 1, "revenue": 300.1},
                    {"region": "north", "orders": 2, "revenue": 140.49},
                    {"region": "south", "orders": 2, "revenue": 85.25}],
        "total_revenue": 525.84}
assert got == want, got
PY
rm -f /tmp/eval-report-$$.json
grep -q "def " report/render.py
python3 -c "import report.render as r, inspect; assert any(n != 'table' for n, f in inspect.getmembers(r, inspect.isfunction)), 'no JSON renderer in render.py'"
