import unittest

from invoicing.money import format_amount, parse_amount


class TestFormatAmount(unittest.TestCase):
    def test_whole_and_cents(self) -> None:
        self.assertEqual(format_amount(1999), "$19.99")

    def test_zero(self) -> None:
        self.assertEqual(format_amount(0), "$0.00")


class TestParseAmount(unittest.TestCase):
    def test_dollar_sign(self) -> None:
        self.assertEqual(parse_amount("$12.50"), 1250)

    def test_plain_number(self) -> None:
        self.assertEqual(parse_amount("12.5"), 1250)
