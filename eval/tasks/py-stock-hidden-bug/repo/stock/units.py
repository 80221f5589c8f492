"""Boxes and pieces."""


def to_pieces(quantity, unit, pieces_per_box):
    if unit in ("piece", "pieces", "pc"):
        return quantity
    if unit in ("box", "boxes"):
        return quantity * pieces_per_box
    raise ValueError(f"unknown unit {unit!r}")


def to_boxes(pieces, pieces_per_box):
    """Whole boxes and the loose pieces left over."""
    return divmod(pieces, pieces_per_box)
