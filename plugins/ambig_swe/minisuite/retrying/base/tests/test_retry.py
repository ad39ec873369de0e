import pytest

from retrying import call_with_retry


def flaky(failures):
    calls = []

    def fn():
        calls.append(1)
        if len(calls) <= failures:
            raise ConnectionError("down")
        return len(calls)

    return fn, calls


def test_succeeds_after_transient_errors():
    fn, _ = flaky(2)
    assert call_with_retry(fn, attempts=3, retry_on=(ConnectionError,)) == 3


def test_gives_up_after_attempts():
    fn, calls = flaky(5)
    with pytest.raises(ConnectionError):
        call_with_retry(fn, attempts=2, retry_on=(ConnectionError,))
    assert len(calls) == 2
