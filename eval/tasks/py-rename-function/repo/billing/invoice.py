"""Renders an invoice."""
from .totals import calc


def render(customer, lines, tax_rate=0.2):
    total = calc(lines, tax_rate)
    return f"Invoice for {customer}: {total / 100:.2f}"
