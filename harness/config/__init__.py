"""Run configuration (internal): key=value overrides and YAML files, validated by JSON Schema."""
