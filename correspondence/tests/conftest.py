from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _sms_and_site(settings):
    from correspondence import sms

    settings.SMS_BACKEND = "correspondence.sms.LocmemBackend"
    settings.SITE_URL = "https://allo.example.org"
    sms.outbox.clear()
    yield
    sms.outbox.clear()
