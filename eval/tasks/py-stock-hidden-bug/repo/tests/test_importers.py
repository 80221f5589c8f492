import os
import tempfile
import unittest

from stock import importers
from stock.validation import InvalidRow


class ImportersTest(unittest.TestCase):
    def write(self, text):
        fd, path = tempfile.mkstemp(suffix=".csv")
        with os.fdopen(fd, "w") as f:
            f.write(text)
        return path

    def test_boxes_become_pieces(self):
        path = self.write("day,sku,kind,quantity,unit\n2024-01-05,A-200,receipt,2,box\n")
        self.assertEqual(importers.read_movements(path)[0].pieces, 200)

    def test_bad_kind_names_the_line(self):
        path = self.write("day,sku,kind,quantity,unit\n2024-01-05,A-200,theft,2,box\n")
        with self.assertRaisesRegex(InvalidRow, "line 2"):
            importers.read_movements(path)
