def total(items: list[tuple[int, float]], discount: float = 0) -> float:
    """Sum of quantity * price over items, minus `discount` percent."""
    subtotal = sum(quantity * price for quantity, price in items)
    return round(subtotal - discount, 2)
