"""Payment reminders."""
from . import totals


def reminder(customer, lines, days_late):
    fee = 500 if days_late > 30 else 0
    due = totals.calc(lines) + fee
    return f"Dear {customer}, {due / 100:.2f} is {days_late} days late."
