import unittest
from datetime import date

from stock import ledger
from stock.models import Movement


class LedgerTest(unittest.TestCase):
    def test_levels(self):
        ms = [Movement(date(2024, 1, 1), "A-100", "receipt", 10), Movement(date(2024, 1, 2), "A-100", "sale", 4),
              Movement(date(2024, 1, 3), "A-100", "return", 1)]
        self.assertEqual(ledger.levels(ms), {"A-100": 7})
        self.assertEqual(ledger.levels(ms, until=date(2024, 1, 2)), {"A-100": 6})
