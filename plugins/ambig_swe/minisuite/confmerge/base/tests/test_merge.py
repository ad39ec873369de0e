from confmerge import merge


def test_top_level_override():
    assert merge({"a": 1, "b": 2}, {"b": 3}) == {"a": 1, "b": 3}


def test_lists_are_replaced():
    assert merge({"x": [1, 2]}, {"x": [3]}) == {"x": [3]}
