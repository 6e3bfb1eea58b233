"""The database-backed rate limiter: exact under concurrency, windows expire, per key."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connections

from tierdesk.core import ratelimit
from tierdesk.core.models import RateLimitCounter


@pytest.mark.django_db
def test_limit_per_key_and_window():
    results = [ratelimit.hit("t", "1.2.3.4", limit=3, period=60).allowed for _ in range(5)]
    assert results == [True, True, True, False, False]
    assert ratelimit.hit("t", "5.6.7.8", limit=3, period=60).allowed  # another client
    assert ratelimit.hit("other", "1.2.3.4", limit=3, period=60).allowed  # another action
    decision = ratelimit.hit("t", "1.2.3.4", limit=3, period=60)
    assert not decision.allowed and 1 <= decision.retry_after <= 60


@pytest.mark.django_db
def test_window_expires():
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 0, 5, tzinfo=dt.UTC), tick=False):
        for _ in range(3):
            ratelimit.hit("w", "k", limit=2, period=60)
        assert not ratelimit.hit("w", "k", limit=2, period=60).allowed
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 1, 1, tzinfo=dt.UTC), tick=False):
        assert ratelimit.hit("w", "k", limit=2, period=60).allowed


@pytest.mark.django_db
def test_identities_are_not_stored_in_clear():
    ratelimit.hit("login", "anna@romashka.example", limit=5, period=60)
    assert "anna" not in RateLimitCounter.objects.get().key


@pytest.mark.django_db
def test_disabled_by_setting(settings):
    settings.TIERDESK = {**settings.TIERDESK, "RATELIMIT_ENABLED": False}
    assert all(ratelimit.hit("x", "y", limit=1, period=60).allowed for _ in range(5))


@pytest.mark.django_db(transaction=True)
def test_exact_count_under_concurrent_hits():
    """Eight threads (eight database connections) hit together: exactly ``limit`` pass."""
    db = connections["default"]
    if db.vendor == "sqlite" and db.is_in_memory_db():
        pytest.skip("in-memory SQLite locks whole tables; run with a file or on PostgreSQL")
    allowed: list[bool] = []
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def worker() -> None:
        try:
            barrier.wait()
            for _ in range(10):
                ok = ratelimit.hit("race", "same-client", limit=50, period=3600).allowed
                with lock:
                    allowed.append(ok)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(allowed) == 80
    assert allowed.count(True) == 50
    assert RateLimitCounter.objects.get().count == 80
