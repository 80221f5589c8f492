"""Plain data types."""
from dataclasses import dataclass
from datetime import date

KINDS = ("receipt", "sale", "return", "writeoff")


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    pieces_per_box: int = 1


@dataclass(frozen=True)
class Movement:
    day: date
    sku: str
    kind: str
    pieces: int
