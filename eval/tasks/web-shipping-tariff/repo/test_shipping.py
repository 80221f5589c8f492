import unittest

from shipping import shipping_cost


class ShippingTest(unittest.TestCase):
    def test_light_domestic(self):
        self.assertEqual(shipping_cost(1.5, "domestic"), 495)

    def test_bad_zone(self):
        with self.assertRaises(ValueError):
            shipping_cost(1, "moon")


if __name__ == "__main__":
    unittest.main()
