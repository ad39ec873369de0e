"""Text helpers: slugs, word counts and truncation."""
