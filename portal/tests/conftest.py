import pytest


@pytest.fixture(autouse=True)
def _portal_settings(settings):
    from django.core.cache import cache

    settings.SMS_BACKEND = "correspondence.sms.LocmemBackend"
    settings.SITE_URL = "https://allo.example.org"
    cache.clear()
    yield
    cache.clear()
