"""Stock levels from movements."""
from collections import defaultdict

SIGN = {"receipt": 1, "return": 1, "sale": -1, "writeoff": -1}


def levels(movements, until=None):
    """Pieces on hand per SKU after every movement up to and including the day `until`."""
    on_hand = defaultdict(int)
    for m in movements:
        if until is None or m.day <= until:
            on_hand[m.sku] += SIGN[m.kind] * m.pieces
    return dict(on_hand)


def flows(movements):
    """Pieces per (SKU, kind)."""
    totals = defaultdict(int)
    for m in movements:
        totals[(m.sku, m.kind)] += m.pieces
    return dict(totals)
