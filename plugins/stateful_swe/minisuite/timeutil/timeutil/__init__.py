"""Durations and calendar helpers."""
