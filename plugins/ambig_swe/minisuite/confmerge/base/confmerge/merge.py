def merge(base: dict, override: dict) -> dict:
    """Configuration `base` with `override` applied."""
    return {**base, **override}
