"""Reads movements from CSV: day,sku,kind,quantity,unit"""
import csv

from . import catalogue, dates, units, validation
from .models import Movement


def read_movements(path):
    movements = []
    with open(path, encoding="utf-8", newline="") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            validation.check_row(line, row, catalogue.PRODUCTS)
            product = catalogue.get(row["sku"])
            pieces = units.to_pieces(int(row["quantity"]), row.get("unit") or "piece", product.pieces_per_box)
            movements.append(Movement(dates.parse_day(row["day"]), row["sku"], row["kind"], pieces))
    return movements
