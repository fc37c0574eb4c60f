"""The main menu (``{% main_menu %}``): written once per URL configuration, language and what
decides its items (the user's scope, staff status and follow-up items), never another user's."""

from unittest import mock
from weakref import WeakKeyDictionary

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.utils import translation

from core.templatetags import display
from core.tests.test_url_base import urlpatterns  # noqa: F401 - the site moved under /ailleurs/
from organisations.access import scope_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_menu_written_yet(monkeypatch):
    monkeypatch.setattr(display, "_MENUS", WeakKeyDictionary())


def menu(client, user, language: str = "fr") -> str:
    client.force_login(user)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    return html[
        html.index('<ul class="navbar-nav') : html.index("</ul>", html.index('<ul class="navbar-nav'))
    ]


def test_each_role_gets_its_own_items(client, users):
    agent, cell, committee = (menu(client, users[name]) for name in ("agent", "cellule-voirie", "comite"))
    assert "/fiches/nouvelle/" in agent and "/fiches/nouvelle/" not in cell
    assert 'href="/suivi/"' in cell and 'href="/suivi/"' not in agent
    assert "/fiches/" not in committee and "/comite/" in committee
    assert menu(client, users["agent"]) == agent  # written once, the same


def test_the_menu_is_written_once_per_key(client, users):
    menu(client, users["agent"])
    with mock.patch.object(display, "render_to_string", wraps=display.render_to_string) as writing:
        menu(client, users["agent"])
        assert writing.call_count == 0
        menu(client, users["cellule-voirie"])  # another scope
        assert writing.call_count == 1


def test_a_user_made_staff_sees_the_administration_at_once(client, users):
    agent = users["agent"]
    assert "/admin/" not in menu(client, agent)
    agent.is_staff = True
    agent.save()
    assert "/admin/" in menu(client, agent)


def test_the_languages_and_url_configurations_have_their_own_menus(client, users):
    tag = Template("{% load display %}{% main_menu %}")
    context = {"scope": scope_for(users["agent"]), "user": users["agent"], "followup_nav": []}
    with translation.override("fr"):
        tag.render(Context(context))
    with translation.override("en"):
        assert "New fiche" in tag.render(Context(context))  # not the French menu written first
    with override_settings(ROOT_URLCONF=__name__):
        client.force_login(users["agent"])
        moved = client.get("/ailleurs/").content.decode()
        assert 'href="/ailleurs/fiches/nouvelle/"' in moved


def test_past_its_size_the_menus_are_written_again(client, users, monkeypatch):
    monkeypatch.setattr(display, "MENUS_KEPT", 1)
    assert "/fiches/nouvelle/" in menu(client, users["agent"])
    assert "/fiches/nouvelle/" not in menu(client, users["cellule-voirie"])
    assert "/fiches/nouvelle/" in menu(client, users["agent"])
