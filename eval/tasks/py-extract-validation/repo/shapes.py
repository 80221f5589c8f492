"""Areas and volumes."""
import math


def circle_area(radius):
    if not isinstance(radius, (int, float)) or isinstance(radius, bool):
        raise TypeError(f"radius must be a number, got {type(radius).__name__}")
    if radius <= 0:
        raise ValueError(f"radius must be positive, got {radius}")
    return math.pi * radius ** 2


def rectangle_area(width, height):
    if not isinstance(width, (int, float)) or isinstance(width, bool):
        raise TypeError(f"width must be a number, got {type(width).__name__}")
    if width <= 0:
        raise ValueError(f"width must be positive, got {width}")
    if not isinstance(height, (int, float)) or isinstance(height, bool):
        raise TypeError(f"height must be a number, got {type(height).__name__}")
    if height <= 0:
        raise ValueError(f"height must be positive, got {height}")
    return width * height


def cube_volume(side):
    if not isinstance(side, (int, float)) or isinstance(side, bool):
        raise TypeError(f"side must be a number, got {type(side).__name__}")
    if side <= 0:
        raise ValueError(f"side must be positive, got {side}")
    return side ** 3
