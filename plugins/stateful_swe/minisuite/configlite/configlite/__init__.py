"""Typed values from flat configuration mappings."""
