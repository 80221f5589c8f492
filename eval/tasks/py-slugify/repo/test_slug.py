import unittest

from slug import slugify


class SlugifyTest(unittest.TestCase):
    def test_simple(self):
        self.assertEqual(slugify("Hello World"), "hello-world")

    def test_punctuation_collapses(self):
        self.assertEqual(slugify("Hello, World!"), "hello-world")

    def test_accents_are_stripped(self):
        self.assertEqual(slugify("Crème Brûlée"), "creme-brulee")

    def test_numbers_kept(self):
        self.assertEqual(slugify("Top 10   tips"), "top-10-tips")


if __name__ == "__main__":
    unittest.main()
