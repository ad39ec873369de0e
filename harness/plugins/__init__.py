"""Plugin discovery (internal): the registry of entry points, plugin parameters, building components."""
