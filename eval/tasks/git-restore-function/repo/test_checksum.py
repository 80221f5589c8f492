import unittest

from checksum import checksum


class ChecksumTest(unittest.TestCase):
    def test_crc(self):
        self.assertEqual(checksum(b"hello"), 907060870)


if __name__ == "__main__":
    unittest.main()
