"""Fixtures for Open311: public types, a client with its key, a POST helper."""

from __future__ import annotations

import pytest

from catalogue.models import RequestTypeVersion

BASE = "/open311/v2"


@pytest.fixture
def public_types(catalogue_types):
    """Every test type but the phone-only one open to the public channel; the dumping type
    (PRO-DEPOT) and the lamp type (ECL-LAMP) publishable."""
    RequestTypeVersion.objects.update(public_channel=True)
    RequestTypeVersion.objects.filter(request_type__code__in=["PRO-DEPOT", "ECL-LAMP"]).update(
        publishable=True
    )
    return catalogue_types


@pytest.fixture
def api_key(users):
    from open311.models import ApiClient

    client = ApiClient(name="FixMyStreet", account=users["agent"], requests_per_minute=1000)
    key = client.new_key()
    client.save()
    return key


@pytest.fixture
def post(client, api_key, public_types):
    """post(fmt="xml", **fields): POST requests.<fmt> with the key and a valid location."""

    def send(fmt: str = "json", *, files=None, **fields):
        data = {"api_key": api_key, "lat": "43.2965", "long": "5.3698", **fields}
        data = {k: v for k, v in data.items() if v is not None}
        if files:
            data.update(files)
            return client.post(f"{BASE}/requests.{fmt}", data)
        from urllib.parse import urlencode

        return client.post(
            f"{BASE}/requests.{fmt}",
            urlencode(data, doseq=True),
            content_type="application/x-www-form-urlencoded",
        )

    return send
