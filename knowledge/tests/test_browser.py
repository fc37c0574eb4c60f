"""An agent answers an information call from the knowledge base (system Chromium + axe)."""

from __future__ import annotations

import os
import re

import pytest

from catalogue.models import RequestType
from core.testing import assert_accessible, log_in
from knowledge.models import Use
from knowledge.services import save_answer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name: str) -> None:
    if folder := os.environ.get("SCREENSHOTS"):
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def test_agent_uses_an_answer_and_the_supervisor_sees_it(page, live_server, users, catalogue_types):
    answer = save_answer(
        None,
        {"title": "Passeport : prendre rendez-vous", "text": "Prenez rendez-vous en mairie de secteur.",
         "keywords": "carte identité"},
        list(RequestType.objects.filter(code="INF-ETATCIVIL")),
        users["superviseur"],
    )  # fmt: skip
    log_in(page, live_server, "agent")
    page.goto(f"{live_server.url}/fiches/nouvelle/")
    page.fill("#id_last_name", "Nicolas")
    page.fill("#id_email", "sylvie.nicolas@example.org")
    page.fill("#id_type_query", "etat civil")
    page.locator("#type-INF-ETATCIVIL").check()
    page.locator("#id_knowledge_query").press_sequentially("carte identite")
    page.locator('#knowledge-results [data-query="carte identite"]').wait_for()
    page.locator(f"#use-answer-{answer.pk}").click()
    page.locator("#knowledge-chosen input[name=knowledge_answer]").wait_for(state="attached")
    assert page.input_value("#id_outcome") == answer.text
    assert_accessible(page)
    shot(page, "intake-knowledge")
    page.get_by_role("button", name="Enregistrer la fiche").click()
    page.wait_for_url(re.compile(r"/fiches/AM-\d{4}-\d{6}/enregistree/"))
    use = Use.objects.get()
    assert use.answer == answer
    page.goto(f"{live_server.url}/fiches/{use.fiche.reference}/")
    page.get_by_role("button", name="Envoyer par e-mail").wait_for()
    assert_accessible(page)
    shot(page, "fiche-knowledge")

    log_in(page, live_server, "superviseur")
    page.get_by_role("link", name="Base de connaissances").click()
    page.locator("#answers-table").get_by_text("Passeport").wait_for()
    assert_accessible(page)
    shot(page, "knowledge-list")
    page.get_by_role("link", name="Nouvelle réponse").click()
    assert_accessible(page)
    shot(page, "knowledge-new")
