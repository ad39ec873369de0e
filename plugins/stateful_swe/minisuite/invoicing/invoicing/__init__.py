"""Amounts in cents: formatting, parsing and totals."""
