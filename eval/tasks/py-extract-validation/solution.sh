cat > shapes.py <<'PY'
"""Areas and volumes."""
import math


def _require_positive(name, value):
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {value}")


def circle_area(radius):
    _require_positive("radius", radius)
    return math.pi * radius ** 2


def rectangle_area(width, height):
    _require_positive("width", width)
    _require_positive("height", height)
    return width * height


def cube_volume(side):
    _require_positive("side", side)
    return side ** 3
PY
