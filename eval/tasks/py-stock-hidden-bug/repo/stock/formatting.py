"""Human-readable quantities."""
from . import catalogue, units


def describe(sku, pieces):
    product = catalogue.get(sku)
    boxes, loose = units.to_boxes(pieces, product.pieces_per_box)
    parts = []
    if boxes:
        parts.append(f"{boxes} box{'es' if boxes != 1 else ''}")
    if loose or not parts:
        parts.append(f"{loose} piece{'s' if loose != 1 else ''}")
    return f"{product.name}: " + " and ".join(parts)
