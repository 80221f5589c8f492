"""Reads orders from CSV (region,amount)."""
import csv


def read_orders(path):
    with open(path, encoding="utf-8", newline="") as f:
        return [(row["region"], float(row["amount"])) for row in csv.DictReader(f)]


def summarize(orders):
    """[(region, orders, revenue)] sorted by revenue, highest first."""
    by_region = {}
    for region, amount in orders:
        count, revenue = by_region.get(region, (0, 0.0))
        by_region[region] = (count + 1, revenue + amount)
    rows = [(region, count, revenue) for region, (count, revenue) in by_region.items()]
    return sorted(rows, key=lambda r: -r[2])
