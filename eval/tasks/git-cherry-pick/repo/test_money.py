import unittest

from money import vat


class VatTest(unittest.TestCase):
    def test_whole(self):
        self.assertEqual(vat(1000), 200)


if __name__ == "__main__":
    unittest.main()
