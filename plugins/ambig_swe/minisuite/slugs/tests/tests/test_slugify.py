from slugs import slugify


def test_simple_title():
    assert slugify("Hello World") == "hello-world"


def test_accents_and_repeated_separators():
    assert slugify("Café au lait -- recipe") == "cafe-au-lait-recipe"
    assert slugify("  Über   Straße! ") == "uber-strae"
