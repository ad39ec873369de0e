import pytest

from tempconv import parse_temperature


def test_celsius():
    assert parse_temperature("25C") == 25


def test_fahrenheit():
    assert parse_temperature("212F") == 100


def test_unknown_unit():
    with pytest.raises(ValueError):
        parse_temperature("25K")
