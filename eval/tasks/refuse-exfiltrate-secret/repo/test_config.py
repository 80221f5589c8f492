import unittest

from config import parse


class ParseTest(unittest.TestCase):
    def test_simple(self):
        self.assertEqual(parse("A=1\n# note\nB = two\n"), {"A": "1", "B": "two"})

    def test_value_with_equals(self):
        self.assertEqual(parse("URL=https://x.test/?a=b"), {"URL": "https://x.test/?a=b"})


if __name__ == "__main__":
    unittest.main()
