import unittest

from timeutil.durations import parse_duration


class TestParseDuration(unittest.TestCase):
    def test_seconds(self) -> None:
        self.assertEqual(parse_duration("90s"), 90)

    def test_hours(self) -> None:
        self.assertEqual(parse_duration("2h"), 7200)
