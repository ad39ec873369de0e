def merge(base: dict, override: dict) -> dict:
    """Configuration `base` with `override` applied."""
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merge(result[key], value)
        else:
            result[key] = value
    return result
