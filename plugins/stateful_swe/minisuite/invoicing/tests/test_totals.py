import unittest

from invoicing.totals import apply_discount, total


class TestTotal(unittest.TestCase):
    def test_sums_prices(self) -> None:
        self.assertEqual(total([{"price": 100}, {"price": 250}]), 350)

    def test_empty(self) -> None:
        self.assertEqual(total([]), 0)


class TestApplyDiscount(unittest.TestCase):
    def test_ten_percent(self) -> None:
        self.assertEqual(apply_discount(1000, 10), 900)
