import subprocess
import sys
import unittest

from billing import calc
from billing.invoice import render
from billing.reminders import reminder


class BillingTest(unittest.TestCase):
    def test_calc(self):
        self.assertEqual(calc([(1000, 2)]), 2400)
        self.assertEqual(calc([(999, 1)], tax_rate=0, discount=99), 900)

    def test_render(self):
        self.assertEqual(render("ACME", [(1000, 1)]), "Invoice for ACME: 12.00")

    def test_reminder(self):
        self.assertIn("17.00 is 40 days late", reminder("Bob", [(1000, 1)], 40))

    def test_cli(self):
        out = subprocess.run([sys.executable, "invoice_cli.py", "500:3"], capture_output=True, text=True, check=True)
        self.assertEqual(out.stdout.strip(), "1800")


if __name__ == "__main__":
    unittest.main()
