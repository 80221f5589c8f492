"""The monthly report: per SKU, opening stock, receipts, sales, returns, write-offs and closing stock."""
from . import catalogue, dates, filters, ledger

COLUMNS = ("receipt", "sale", "return", "writeoff")


def monthly(movements, year, month):
    first, last = dates.month_range(year, month)
    opening = ledger.levels([m for m in movements if m.day < first])
    month_flows = ledger.flows(filters.in_month(movements, year, month))
    rows = []
    for sku in sorted(catalogue.PRODUCTS):
        flow = {kind: month_flows.get((sku, kind), 0) for kind in COLUMNS}
        start = opening.get(sku, 0)
        end = start + flow["receipt"] + flow["return"] - flow["sale"] - flow["writeoff"]
        if start or end or any(flow.values()):
            rows.append({"sku": sku, "opening": start, **flow, "closing": end})
    return rows


def render(rows):
    header = f"{'sku':<8}{'opening':>9}{'in':>7}{'out':>7}{'ret':>7}{'loss':>7}{'closing':>9}"
    lines = [header]
    for r in rows:
        lines.append(f"{r['sku']:<8}{r['opening']:>9}{r['receipt']:>7}{r['sale']:>7}{r['return']:>7}{r['writeoff']:>7}{r['closing']:>9}")
    return "\n".join(lines)
