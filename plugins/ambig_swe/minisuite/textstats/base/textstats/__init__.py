from .core import word_count
