"""Plugin parameters from signatures and docstrings in any of the common styles."""

from __future__ import annotations

from harness.plugins._params import factory_params


def google(rate: float = 0.5, names: list[str] | None = None):
    """Google style.

    Args:
        rate: How often,
            over two lines.
        names: Who.
    """


def numpy(rate: float = 0.5):
    """NumPy style.

    Parameters
    ----------
    rate : float
        How often.
    """


def rest(rate: float = 0.5):
    """reST style.

    :param rate: How often.
    """


def test_parameter_docs_come_from_google_numpy_and_rest_docstrings():
    docs = {p.name: p.doc for p in factory_params(google)}
    assert docs == {"rate": "How often, over two lines.", "names": "Who."}
    assert factory_params(numpy)[0].doc == "How often."
    assert factory_params(rest)[0].doc == "How often."
    schema = {p.name: p.schema for p in factory_params(google)}
    assert schema["rate"] == {"type": "number", "default": 0.5}
    assert schema["names"] == {"anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "null"}]}
