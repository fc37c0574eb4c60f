"""Fixed-window attempt counters in Django's cache (per IP and per reference).

With the default local-memory cache each worker process counts on its own: production
must use a shared cache (Redis, Memcached, or the database cache) through CACHE_URL."""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]  # no raw IPs or references in keys
    return f"portal:rate:{kind}:{digest}"


def hit(kind: str, value: str, *, limit: int, window: int) -> bool:
    """Count one attempt; False when the limit is already reached in this window."""
    key = _key(kind, value)
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit


def exceeded(kind: str, value: str, *, limit: int) -> bool:
    return (cache.get(_key(kind, value)) or 0) >= limit
