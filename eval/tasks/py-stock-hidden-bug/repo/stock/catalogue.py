"""The product catalogue (built in; a real shop would load it)."""
from .models import Product

PRODUCTS = {
    "A-100": Product("A-100", "Hex bolt M8", pieces_per_box=50),
    "A-200": Product("A-200", "Washer M8", pieces_per_box=100),
    "B-300": Product("B-300", "Wood screw 4x40", pieces_per_box=200),
    "C-400": Product("C-400", "Wall plug 8mm", pieces_per_box=100),
}


def get(sku):
    return PRODUCTS[sku]
