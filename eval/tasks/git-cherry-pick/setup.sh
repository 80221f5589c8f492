set -euo pipefail
git checkout -q -b hotfix
cat > money.py <<'PY'
"""Money in cents."""
from decimal import ROUND_HALF_UP, Decimal


def vat(cents, rate=0.2):
    """The VAT on an amount, rounded to the nearest cent (halves up)."""
    return int((Decimal(cents) * Decimal(str(rate))).quantize(Decimal(1), rounding=ROUND_HALF_UP))
PY
git add -A && git commit -q -m "Fix rounding in vat()"
echo 'raise NotImplementedError("export is not finished")' > export.py
echo 'import export  # WIP' >> money.py
git add -A && git commit -q -m "WIP: export"
git checkout -q main
echo "# Money helpers" > README.md
git add -A && git commit -q -m "Add a README"
