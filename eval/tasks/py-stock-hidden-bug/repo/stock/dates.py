"""Calendar helpers."""
from datetime import date, timedelta


def parse_day(text):
    """'2024-03-31' -> date."""
    year, month, day = (int(p) for p in text.split("-"))
    return date(year, month, day)


def parse_month(text):
    """'2024-03' -> (2024, 3)."""
    year, month = (int(p) for p in text.split("-"))
    if not 1 <= month <= 12:
        raise ValueError(f"no month {month}")
    return year, month


def month_range(year, month):
    """The first and the last day of a month."""
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def in_month(day, year, month):
    first, last = month_range(year, month)
    return first <= day < last


def previous_month(year, month):
    return (year - 1, 12) if month == 1 else (year, month - 1)
