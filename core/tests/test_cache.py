"""What rests on the shared cache (CACHE_URL): cached reference data and rate-limit counters.

`.ci/run` runs the tests marked `uses_cache` once more against the real Redis on the standard
port (CACHE_URL=redis://127.0.0.1:6379/15), as production configures it."""

from __future__ import annotations

import os

import pytest
from django.core.cache import cache, caches
from django.urls import reverse

pytestmark = pytest.mark.uses_cache


def test_the_configured_cache_backend_is_in_use():
    expected = "RedisCache" if os.environ.get("CACHE_URL", "").startswith("redis") else "LocMemCache"
    assert type(caches["default"]).__name__ == expected


def test_values_survive_a_round_trip_and_counters_increment():
    cache.set("allo:test:value", {"é": [1, 2]}, 30)
    assert cache.get("allo:test:value") == {"é": [1, 2]}
    cache.add("allo:test:counter", 0, 30)
    assert [cache.incr("allo:test:counter") for _ in range(3)] == [1, 2, 3]


def test_two_workers_share_the_counters_through_redis():
    """Each gunicorn worker opens its own connection: with Redis they count together."""
    if not os.environ.get("CACHE_URL", "").startswith("redis"):
        pytest.skip("local-memory cache: each worker counts on its own (documented)")
    from portal import ratelimit

    other_worker = caches.create_connection("default")
    assert other_worker is not cache
    ratelimit.record("ip", "203.0.113.9", window=60)
    ratelimit.record("ip", "203.0.113.9", window=60)
    assert ratelimit.exceeded("ip", "203.0.113.9", limit=2)
    assert other_worker.get(ratelimit._key("ip", "203.0.113.9")) == 2


def test_filter_choices_are_cached_between_list_pages(client, users):
    client.force_login(users["agent"])
    client.get(reverse("fiches:list"))
    assert cache.get("fiches:filter-choices")["body"]


@pytest.mark.django_db
def test_a_renamed_body_or_family_reaches_the_list_filters_at_once(client, users, catalogue_types, committed):
    """Cached for the list's pages, forgotten when a body, a directorate or a family changes."""
    from catalogue.models import Family
    from fiches.selectors import filter_choices
    from organisations.models import Body

    client.force_login(users["agent"])
    client.get(reverse("fiches:list"))
    body, family = Body.objects.first(), Family.objects.first()
    with committed():
        body.short_name = "Renamed body"
        body.save()
        family.label = "Renamed family"
        family.save()
    choices = filter_choices()
    assert (body.pk, "Renamed body") in choices["body"]
    assert (family.code, "Renamed family") in choices["family"]
    assert any(label.endswith("(Renamed body)") for _pk, label in choices["directorate"])
    html = client.get(reverse("fiches:list")).content.decode()
    assert "Renamed body" in html and "Renamed family" in html
    with committed():
        added = Family.objects.create(code="added", label="Added family")
    assert ("added", "Added family") in filter_choices()["family"]
    with committed():
        added.delete()
    assert "added" not in dict(filter_choices()["family"])
