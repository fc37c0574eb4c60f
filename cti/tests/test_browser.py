"""A call rings agent A: the banner shows the caller's fiches, A opens intake pre-filled and saves;
the fiche carries the call id; the wallboard counts the call (system Chromium, axe-core)."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core.testing import assert_accessible, log_in
from cti import events, services
from cti.models import Station
from fiches.models import Fiche

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def clear_of_midnight():
    """The events are placed up to two minutes before now and the wallboard shows today (Paris):
    in the first minutes of a day the clock is moved on to 00:03, where they are today too. The
    browser's clock is a little behind the server's then, which only lengthens its cookies."""
    now = datetime.now(ZoneInfo("Europe/Paris"))
    clear = now.replace(hour=0, minute=3, second=0, microsecond=0)
    with time_machine.travel(max(now, clear), tick=True):
        yield


def _ami(message: dict[str, str], seconds_ago: int) -> None:
    services.apply(events.from_ami(message, datetime.fromtimestamp(time.time() - seconds_ago, tz=UTC)))


def test_a_call_pops_up_for_the_agent_who_answers_and_the_wallboard_counts_it(
    page, browser, live_server, users, make_fiche
):
    earlier = make_fiche("ECL-LAMP")  # Alice Durand, 06 12 34 56 78, called before
    Station.objects.create(user=users["agent"], extension="1001")
    Station.objects.create(user=users["agent2"], extension="1002")
    log_in(page, live_server, "agent")
    page.goto(f"{live_server.url}/fiches/")
    call = {"Queue": "info", "Uniqueid": "1765.42", "CallerIDNum": "+33612345678"}
    member = {"Interface": "PJSIP/1001", "MemberName": "PJSIP/1001"}
    _ami({"Event": "QueueMemberStatus", "Queue": "info", **member, "Status": "1", "Paused": "0"}, 120)
    _ami({"Event": "QueueCallerJoin", **call}, 30)
    _ami({"Event": "AgentConnect", **call, **member, "HoldTime": "28"}, 2)
    banner = page.locator("#screen-pop section")
    banner.wait_for(timeout=15000)  # polled every second; generous under load
    assert "+33612345678" in banner.inner_text() and earlier.reference in banner.inner_text()
    assert_accessible(page)
    banner.get_by_role("link", name=re.compile("Nouvelle fiche pour .*DURAND")).click()
    page.wait_for_url(re.compile(r"/fiches/nouvelle/\?call_id=1765\.42"))
    assert page.input_value("#id_call_id") == "1765.42"
    assert page.input_value("#id_last_name") == "Durand"
    page.focus("#id_type_query")
    page.keyboard.type("nid de poule")
    page.locator('#type-options [data-query="nid de poule"] #type-VOI-NID').wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    page.locator("#type-info").get_by_text("Direction de la Voirie").wait_for()
    page.fill("#id_street_number", "10")
    page.fill("#id_street_name", "boulevard Longchamp")
    page.fill("#id_postal_code", "13001")
    page.fill("#id_description", "Trou dangereux")
    page.get_by_role("button", name="Enregistrer la fiche").click()
    page.wait_for_url(re.compile(r"/fiches/AM-\d{4}-\d{6}/enregistree/"))
    reference = page.locator("#reference").inner_text()
    assert Fiche.objects.get(reference=reference).call_id == "1765.42"

    page.close()  # the agent's page stops polling
    page = browser.new_page()  # the supervisor, on another computer
    log_in(page, live_server, "superviseur")
    page.goto(f"{live_server.url}/telephonie/direct/")
    page.locator(".wallboard-queue").first.wait_for()
    card = page.locator(".wallboard-queue", has_text="info")
    assert re.search(r"Présentés\s*1\b", card.inner_text()) and re.search(
        r"Répondus\s*1\b", card.inner_text()
    )
    assert_accessible(page)
    page.goto(f"{live_server.url}/telephonie/direct/?grand=1")
    page.locator(".wallboard-large").wait_for()
    assert_accessible(page)
    page.close()
