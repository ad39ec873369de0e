"""A person's seat in the browser (private; used through `seat=web` and the human simulator)."""
