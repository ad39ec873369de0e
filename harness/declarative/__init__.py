"""Declarative YAML tasks and scorer files (internal)."""
