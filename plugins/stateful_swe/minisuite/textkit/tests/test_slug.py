import unittest

from textkit.slug import slugify


class TestSlugify(unittest.TestCase):
    def test_two_words(self) -> None:
        self.assertEqual(slugify("Hello World"), "hello-world")

    def test_lower_case(self) -> None:
        self.assertEqual(slugify("ABC"), "abc")
