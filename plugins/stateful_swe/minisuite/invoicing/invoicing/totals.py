"""Invoice totals over line items."""

from typing import Iterable, Mapping


def total(items: Iterable[Mapping[str, int]]) -> int:
    """Sum of the items' prices in cents (an item: {"price": cents, "qty": n})."""
    return sum(item["price"] for item in items)


def apply_discount(amount: int, percent: float) -> int:
    """The amount after a percentage discount, rounded to whole cents."""
    return round(amount * (100 - percent) / 100)
