"""Fixtures shared by every app's tests: the demo organisations, one user per role,
a small nomenclature, and the system Chromium for browser tests."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # playwright's sync API in tests

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MAP_TILE_URL = ""  # maps draw no tiles in tests: never the internet
    settings.PLACES_API_URL = ""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.core.cache import cache

    cache.clear()  # cached reference data and rate limits never leak from one test to the next


@pytest.fixture(autouse=True)
def _verified_test_clients(monkeypatch):
    """A test client logged in with force_login/login has given its second factor: the
    gate itself is tested through the real pages (accounts/tests)."""
    from django.test import Client

    from accounts.testing import mark_verified

    log_in = Client._login

    def _login(self, user, backend=None):
        log_in(self, user, backend)
        mark_verified(self, user)

    monkeypatch.setattr(Client, "_login", _login)


@pytest.fixture
def bodies(db):
    """The demo bodies, under the demo convention (in force from 1 March 2025 to 28 February 2027)."""
    from agreements.demo import create_demo_agreement
    from organisations.demo import create_organisations

    created = create_organisations()
    create_demo_agreement(created)
    return created


@pytest.fixture
def users(bodies):
    """One user per demo login, keyed by username (see organisations.demo.DEMO_USERS)."""
    from django.contrib.auth import get_user_model

    from organisations.demo import create_users

    create_users(bodies)
    return {u.username: u for u in get_user_model().objects.all()}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(autouse=True)
def _no_browser_context_left_open(request: pytest.FixtureRequest) -> Iterator[None]:
    """A browser test closes every page it opens besides its ``page`` (``with
    browser.new_page() as phone:``). A context left open keeps its connections to the live
    server until the browser closes, at the session's end and after the live server has
    stopped sharing the in-memory SQLite test database with its threads: each thread still
    serving one then fails to close that connection (DatabaseError, reported as
    PytestUnhandledThreadExceptionWarning)."""
    if "browser" not in request.fixturenames:
        yield
        return
    browser = request.getfixturevalue("browser")
    yield  # the test's own ``page`` and its context are closed before this goes on
    left = browser.contexts
    for context in left:
        context.close()
    assert not left, f"{len(left)} browser context(s) left open by the test: close its pages"


# A small nomenclature for tests: (code, family, label, kind, directorate, amount, unit, extra)
TEST_TYPES = [
    ("VOI-NID", "voirie", "Nid-de-poule sur la chaussée", "anomaly", "amp-voirie", 5, "working_days", {}),
    ("PRO-DEPOT", "nettoiement", "Dépôt sauvage", "anomaly", "amp-proprete", 2, "business_days",
     {"keywords": "ordures détritus encombrants", "anonymous_allowed": True}),
    ("ECL-LAMP", "eclairage", "Lampadaire éteint", "anomaly", "vdm-eclairage", 10, "working_days",
     {"questions": [{"key": "lamp", "label": "Numéro du lampadaire", "required": False}]}),
    ("HYG-ANIMAL", "hygiene", "Animal mort sur la voie publique", "anomaly", "vdm-hygiene", 24, "hours",
     {"priority": "urgent", "phone_only": True, "anonymous_allowed": True}),
    ("EV-BANC", "espaces-verts", "Banc cassé dans un parc", "anomaly", "vdm-parcs", 20, "working_days",
     {"priority": "low"}),
    ("INF-ETATCIVIL", "information", "Démarches d'état civil", "information", "vdm-relation", 2,
     "working_days", {"anonymous_allowed": True}),
]  # fmt: skip


@pytest.fixture
def catalogue_types(bodies):
    """The TEST_TYPES published, keyed by code (the version in force)."""
    from catalogue.models import Family
    from catalogue.services import TypeData, publish_version
    from organisations.models import Directorate

    versions = {}
    for order, (code, family, label, kind, directorate, amount, unit, extra) in enumerate(TEST_TYPES):
        fam, _ = Family.objects.get_or_create(code=family, defaults={"label": family.title(), "order": order})
        data = TypeData(
            code=code,
            family=fam,
            label=label,
            kind=kind,
            directorate=Directorate.objects.select_related("cell", "body").get(code=directorate),
            deadline_amount=amount,
            deadline_unit=unit,
            **extra,
        )
        versions[code] = publish_version(data, reason="test")
    return versions


@pytest.fixture
def make_fiche(users, catalogue_types):
    """make_fiche("VOI-NID", requester=..., **FicheInput fields) through the real service."""
    from catalogue.services import current_version
    from fiches.models import Requester
    from fiches.services import FicheInput, create_fiche

    def make(code: str = "VOI-NID", *, user=None, requester="default", **fields):
        if requester == "default":
            requester = Requester.objects.create(
                civility="Mme",
                last_name="Durand",
                first_name="Alice",
                phone="06 12 34 56 78",
                email="alice.durand@example.org",
                address="12 rue Paradis",
                postal_code="13001",
                city="Marseille",
            )
        fields.setdefault("street_number", "12")
        fields.setdefault("street_name", "rue Paradis")
        fields.setdefault("postal_code", "13001")
        fields.setdefault("channel", "phone")
        data = FicheInput(request_type=current_version(code), requester=requester, **fields)
        return create_fiche(data, user or users["agent"])

    return make


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
    """requester_factory("sms", **fields): a citizen replying through that channel."""
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
