"""Formatting and parsing of amounts held in cents."""


def format_amount(cents: int) -> str:
    """Format an amount in cents as dollars, e.g. 1999 -> "$19.99"."""
    dollars, rest = divmod(cents, 100)
    return f"${dollars}.{rest:02d}"


def parse_amount(text: str) -> int:
    """Parse "$12.50" or "12.5" into cents."""
    cleaned = text.strip().lstrip("$")
    return round(float(cleaned) * 100)
