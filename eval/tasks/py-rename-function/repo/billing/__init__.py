"""Invoices."""
from .totals import calc

__all__ = ["calc"]
