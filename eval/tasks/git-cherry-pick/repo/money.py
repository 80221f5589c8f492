"""Money in cents."""


def vat(cents, rate=0.2):
    """The VAT on an amount, rounded to the nearest cent (halves up)."""
    return int(cents * rate)
