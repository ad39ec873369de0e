from .core import slugify
