import unittest

from stock import units


class UnitsTest(unittest.TestCase):
    def test_boxes(self):
        self.assertEqual(units.to_pieces(2, "box", 50), 100)
        self.assertEqual(units.to_boxes(130, 50), (2, 30))

    def test_unknown_unit(self):
        with self.assertRaises(ValueError):
            units.to_pieces(1, "crate", 10)
