import unittest

from configlite.values import get_int, parse_bool


class TestParseBool(unittest.TestCase):
    def test_true_and_false(self) -> None:
        self.assertTrue(parse_bool("true"))
        self.assertFalse(parse_bool("False"))

    def test_rejects_other_words(self) -> None:
        with self.assertRaises(ValueError):
            parse_bool("maybe")


class TestGetInt(unittest.TestCase):
    def test_present(self) -> None:
        self.assertEqual(get_int({"port": "8080"}, "port", 80), 8080)

    def test_missing(self) -> None:
        self.assertEqual(get_int({}, "port", 80), 80)
