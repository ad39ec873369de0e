def call_with_retry(fn, attempts: int = 3, retry_on: tuple = (Exception,)):
    """Call fn until it succeeds, at most `attempts` times, retrying on `retry_on` errors."""
    for attempt in range(attempts):
        try:
            return fn()
        except Exception:
            if attempt == attempts - 1:
                raise
