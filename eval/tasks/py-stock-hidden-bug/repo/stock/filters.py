"""Selecting movements."""
from . import dates


def in_month(movements, year, month):
    return [m for m in movements if dates.in_month(m.day, year, month)]


def for_sku(movements, sku):
    return [m for m in movements if m.sku == sku]
