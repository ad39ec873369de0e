"""Calendar helpers."""

import datetime


def is_weekend(day: datetime.date) -> bool:
    """Whether the day falls on a Saturday or a Sunday."""
    return day.weekday() >= 4
