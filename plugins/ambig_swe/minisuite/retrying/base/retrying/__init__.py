from .core import call_with_retry
