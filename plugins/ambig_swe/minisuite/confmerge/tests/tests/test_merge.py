import copy

from confmerge import merge


def test_top_level_override():
    assert merge({"a": 1, "b": 2}, {"b": 3}) == {"a": 1, "b": 3}


def test_lists_are_replaced():
    assert merge({"x": [1, 2]}, {"x": [3]}) == {"x": [3]}


def test_nested_dicts_merge():
    merged = merge({"db": {"host": "a", "port": 1}}, {"db": {"port": 2}})
    assert merged == {"db": {"host": "a", "port": 2}}


def test_inputs_untouched():
    base, override = {"db": {"host": "a"}}, {"db": {"port": 2}}
    before = copy.deepcopy((base, override))
    merge(base, override)
    assert (base, override) == before
