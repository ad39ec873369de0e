"""Counting tasks for plugeval."""
