"""Checks on imported rows."""
from .models import KINDS


class InvalidRow(ValueError):
    def __init__(self, line, reason):
        super().__init__(f"line {line}: {reason}")
        self.line = line


def check_row(line, row, catalogue):
    if row["kind"] not in KINDS:
        raise InvalidRow(line, f"unknown kind {row['kind']!r}")
    if row["sku"] not in catalogue:
        raise InvalidRow(line, f"unknown SKU {row['sku']!r}")
    if int(row["quantity"]) <= 0:
        raise InvalidRow(line, "quantity must be positive")
