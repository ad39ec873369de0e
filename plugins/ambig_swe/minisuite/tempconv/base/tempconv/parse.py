import re

_PATTERN = re.compile(r"^(-?\d+(?:\.\d+)?)([CF])$")


def parse_temperature(text: str) -> float:
    """Parse '25C' or '77F' into degrees Celsius."""
    match = _PATTERN.match(text)
    if not match:
        raise ValueError(f"not a temperature: {text!r}")
    value, unit = float(match.group(1)), match.group(2)
    return value if unit == "C" else (value - 32) * 5 / 9
