"""Fixed-window counters of failed look-ups in Django's cache (per address, per reference +
contact pair).

With the default local-memory cache each worker process counts on its own: production
must use a shared cache (Redis, Memcached, or the database cache) through CACHE_URL."""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]  # no raw IPs or contacts in keys
    return f"portal:rate:{kind}:{digest}"


def record(kind: str, value: str, *, window: int) -> None:
    """Count one failure; the count lives ``window`` seconds from the first one."""
    key = _key(kind, value)
    cache.add(key, 0, timeout=window)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)


def exceeded(kind: str, value: str, *, limit: int) -> bool:
    return (cache.get(_key(kind, value)) or 0) >= limit
