import math
import unittest

from shapes import circle_area, cube_volume, rectangle_area


class ShapesTest(unittest.TestCase):
    def test_values(self):
        self.assertAlmostEqual(circle_area(2), 4 * math.pi)
        self.assertEqual(rectangle_area(2, 3.5), 7.0)
        self.assertEqual(cube_volume(3), 27)

    def test_errors(self):
        with self.assertRaisesRegex(ValueError, "^radius must be positive, got -1$"):
            circle_area(-1)
        with self.assertRaisesRegex(TypeError, "^height must be a number, got str$"):
            rectangle_area(1, "2")
        with self.assertRaisesRegex(ValueError, "^width must be positive, got 0$"):
            rectangle_area(0, 2)
        with self.assertRaisesRegex(TypeError, "^side must be a number, got bool$"):
            cube_volume(True)


if __name__ == "__main__":
    unittest.main()
