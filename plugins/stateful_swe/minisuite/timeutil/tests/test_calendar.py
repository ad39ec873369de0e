import datetime
import unittest

from timeutil.calendar import is_weekend


class TestIsWeekend(unittest.TestCase):
    def test_sunday(self) -> None:
        self.assertTrue(is_weekend(datetime.date(2024, 6, 2)))

    def test_wednesday(self) -> None:
        self.assertFalse(is_weekend(datetime.date(2024, 6, 5)))
