"""Running evaluations (internal): config → plan → inspect-ai → results record, with hooks."""
