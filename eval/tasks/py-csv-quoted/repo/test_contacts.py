import unittest

from contacts import load_contacts


class LoadContactsTest(unittest.TestCase):
    def setUp(self):
        self.rows = load_contacts("contacts.csv")

    def test_plain_row(self):
        self.assertEqual(self.rows[0], {"name": "Ada Lovelace", "email": "ada@example.org", "city": "London"})

    def test_quoted_commas(self):
        self.assertEqual(self.rows[1]["name"], "Hopper, Grace")
        self.assertEqual(self.rows[1]["city"], "Arlington, VA")

    def test_doubled_quotes(self):
        self.assertEqual(self.rows[2]["name"], 'Dennis "dmr" Ritchie')

    def test_row_count(self):
        self.assertEqual(len(self.rows), 3)


if __name__ == "__main__":
    unittest.main()
