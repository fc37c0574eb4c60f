import contextlib

import pytest


@pytest.fixture(autouse=True)
def _portal_settings(settings):
    from django.core.cache import cache

    settings.SMS_BACKEND = "correspondence.sms.LocmemBackend"
    settings.SITE_URL = "https://allo.example.org"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    @contextlib.contextmanager
    def run():
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return run
