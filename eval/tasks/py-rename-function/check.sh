set -euo pipefail
python3 - <<'PY'
import subprocess, sys
import billing
from billing import compute_total
from billing.totals import compute_total as direct
from billing.invoice import render
from billing.reminders import reminder
assert compute_total is direct
assert compute_total([(1000, 2)]) == 2400
assert compute_total([(333, 3)], tax_rate=0.1) == 1099
assert compute_total([(999, 1)], tax_rate=0, discount=99) == 900
try:
    compute_total([(1, 1)], discount=5)
    raise SystemExit("a too large discount was accepted")
except ValueError:
    pass
assert render("ACME", [(1000, 1)]) == "Invoice for ACME: 12.00"
assert reminder("Bob", [(1000, 1)], 40) == "Dear Bob, 17.00 is 40 days late."
assert subprocess.run([sys.executable, "invoice_cli.py", "500:3", "1:1"], capture_output=True, text=True, check=True).stdout.strip() == "1801"
import billing.totals
assert not hasattr(billing.totals, "calc") and not hasattr(billing, "calc"), "the old name is still there"
PY
if grep -rnw --include='*.py' calc .; then echo "the old name is still used"; exit 1; fi
python3 -m unittest -q test_billing
