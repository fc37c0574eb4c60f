from __future__ import annotations

import contextlib

import pytest


@pytest.fixture(autouse=True)
def _sms_and_site(settings):
    from correspondence import sms

    settings.SMS_BACKEND = "correspondence.sms.LocmemBackend"
    settings.SITE_URL = "https://allo.example.org"
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed(): transition(...)`` runs the on-commit signal (and the tasks)."""

    @contextlib.contextmanager
    def run():
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return run


@pytest.fixture
def requester_factory(db):
    from fiches.models import Requester

    def make(channel="email", **fields):
        data = {
            "civility": "Mme",
            "last_name": "Durand",
            "first_name": "Alice",
            "phone": "06 12 34 56 78",
            "email": "alice.durand@example.org",
            "address": "12 rue Paradis",
            "postal_code": "13001",
            "city": "Marseille",
            "preferred_channel": channel,
        }
        data.update(fields)
        return Requester.objects.create(**data)

    return make
