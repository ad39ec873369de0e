import unittest

from textkit.counting import truncate, word_count


class TestWordCount(unittest.TestCase):
    def test_three_words(self) -> None:
        self.assertEqual(word_count("a b c"), 3)


class TestTruncate(unittest.TestCase):
    def test_long_text_is_cut(self) -> None:
        self.assertEqual(truncate("a long sentence", 6), "a l...")
