set -euo pipefail
rm -rf tests && cp -r "$EVAL_TASK_DIR/repo/tests" tests
python3 -m unittest discover -q tests
cp "$EVAL_TASK_DIR/repo/movements.csv" movements.csv
python3 - <<'PY'
import os, tempfile
from datetime import date
from stock import reports
from stock.models import Movement

def row(rows, sku):
    return next(r for r in rows if r["sku"] == sku)

from stock import importers
march = reports.monthly(importers.read_movements("movements.csv"), 2024, 3)
a = row(march, "A-100")
assert (a["opening"], a["receipt"], a["sale"], a["return"], a["closing"]) == (100, 40, 30, 5, 115), a
april = reports.monthly(importers.read_movements("movements.csv"), 2024, 4)
assert row(april, "A-100")["opening"] == 115 and row(april, "A-100")["receipt"] == 0, april

ms = [Movement(date(2024, 2, 29), "C-400", "receipt", 7), Movement(date(2023, 12, 31), "C-400", "receipt", 3),
      Movement(date(2024, 1, 1), "C-400", "sale", 1), Movement(date(2024, 2, 1), "C-400", "sale", 2)]
feb = row(reports.monthly(ms, 2024, 2), "C-400")
assert (feb["opening"], feb["receipt"], feb["sale"], feb["closing"]) == (2, 7, 2, 7), feb
dec = row(reports.monthly(ms, 2023, 12), "C-400")
assert (dec["opening"], dec["receipt"], dec["closing"]) == (0, 3, 3), dec
jan = row(reports.monthly(ms, 2024, 1), "C-400")
assert (jan["opening"], jan["sale"], jan["closing"]) == (3, 1, 2), jan
PY
