"""Stateful SWE for plugeval: developers who come back, with preferences a coding agent should remember."""

from ._catalogue import Catalogue, Category, Preference, load_catalogue
from ._profiles import Profile, load_profiles

__all__ = ["Catalogue", "Category", "Preference", "Profile", "load_catalogue", "load_profiles"]
