"""The live state: a scripted morning agrees with its queue_log import; the screen pop reaches
only the agent whose telephone rang; the wallboard; the generic signed entry."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cti import events, scenario, services
from cti.models import LiveCall, LiveMember, Station
from telephony import selectors
from telephony.models import QueuePassage
from telephony.services import import_lines

pytestmark = pytest.mark.django_db


def play(script: list[scenario.ScriptedCall]) -> None:
    for at, message in scenario.ami_events(script):
        event = events.from_ami(message, datetime.fromtimestamp(at, tz=UTC))
        if event is not None:
            services.apply(event)


def paris_today_at(hour: int) -> int:
    now = timezone.now().astimezone(services.PARIS)
    return int(now.replace(hour=hour, minute=0, second=0, microsecond=0).timestamp())


def test_a_scripted_morning_gives_the_figures_its_queue_log_gives():
    script = scenario.morning(paris_today_at(8), calls=80)
    play(script)
    import_lines(scenario.queue_log(script), name="queue_log-morning")
    day = services.local_date(timezone.now())
    board = {q.queue: q.counters for q in services.wallboard().queues}
    imported = selectors.kpi_rows(selectors.Filters(date_from=day, date_to=day), by_queue=True)
    assert {row["queue_name"] for row in imported} == set(board) == {"info", "voirie"}
    for row in imported:
        live, reference = board[row["queue_name"]], row["counters"]
        assert (live.offered, live.answered, live.abandoned, live.timeouts) == (
            reference.offered, reference.answered, reference.abandoned, reference.timeouts
        )  # fmt: skip
        assert (live.answered_in_sl, live.short_abandoned) == (
            reference.answered_in_sl,
            reference.short_abandoned,
        )
    assert sum(c.offered for c in board.values()) == len(script) == QueuePassage.objects.count()
    assert not LiveCall.objects.filter(state=LiveCall.State.WAITING).exists()


# The events of the tests below happen ten minutes before the tests' clock, set to noon today
# (Paris; the banner is for now): run in the first ten minutes after midnight, ten minutes
# before the real time was yesterday, and the wallboard, which shows today, showed none.
NOON = timezone.now().astimezone(services.PARIS).replace(hour=12, minute=0, second=0, microsecond=0)
BASE = int(NOON.timestamp()) - 600


@pytest.fixture(autouse=True)
def at_noon():
    with time_machine.travel(NOON, tick=True):
        yield


def _at(seconds: int) -> datetime:
    return datetime.fromtimestamp(BASE + seconds, tz=UTC)


def _ami(message: dict[str, str], seconds: int) -> None:
    event = events.from_ami(message, _at(seconds))
    assert event is not None
    services.apply(event)


CALL = {"Queue": "info", "Uniqueid": "77.1", "CallerIDNum": "06 12 34 56 78"}
ALICE = {"Interface": "PJSIP/1001", "MemberName": "PJSIP/1001"}


def test_events_in_either_order_and_repeated_give_one_answered_passage():
    _ami({"Event": "QueueCallerJoin", **CALL}, 0)
    _ami({"Event": "QueueCallerJoin", **CALL}, 1)  # repeated (a resync): still one passage
    _ami({"Event": "QueueCallerLeave", **CALL}, 12)  # Asterisk says "leave" before the connect
    _ami({"Event": "AgentConnect", **CALL, **ALICE, "HoldTime": "12"}, 12)
    _ami({"Event": "AgentComplete", **CALL, **ALICE, "TalkTime": "60"}, 72)
    _ami({"Event": "Hangup", "Uniqueid": "77.1"}, 73)
    call = LiveCall.objects.get()
    assert (call.state, call.wait, call.talk, call.agent) == ("done", 12, 60, "PJSIP/1001")
    # an abandon reported after its "leave" is still an abandon
    _ami({"Event": "QueueCallerJoin", **CALL, "Uniqueid": "77.2"}, 100)
    _ami({"Event": "QueueCallerLeave", **CALL, "Uniqueid": "77.2"}, 130)
    _ami({"Event": "QueueCallerAbandon", **CALL, "Uniqueid": "77.2", "HoldTime": "30"}, 130)
    assert LiveCall.objects.get(callid="77.2").state == "abandoned"


def test_member_states_and_pauses_are_kept_with_their_time():
    _ami({"Event": "QueueMemberStatus", "Queue": "info", **ALICE, "Status": "1", "Paused": "0"}, 0)
    _ami(
        {
            "Event": "QueueMemberStatus",
            "Queue": "info",
            **ALICE,
            "Status": "1",
            "Paused": "1",
            "PausedReason": "Déjeuner",
        },
        60,
    )
    member = LiveMember.objects.get()
    assert (member.paused, member.pause_reason, member.since) == (True, "Déjeuner", _at(60))
    _ami(
        {
            "Event": "QueueMemberStatus",
            "Queue": "info",
            **ALICE,
            "Status": "1",
            "Paused": "1",
            "PausedReason": "Déjeuner",
        },
        90,
    )
    member.refresh_from_db()
    assert member.since == _at(60)  # unchanged state: the pause started at 60
    board = services.wallboard().queues[0]
    assert board.agents == {"paused": 1}


@pytest.fixture
def stations(users):
    return {
        "agent": Station.objects.create(user=users["agent"], extension="1001"),
        "agent2": Station.objects.create(user=users["agent2"], extension="1002"),
    }


def test_the_screen_pop_reaches_only_the_agent_whose_telephone_rang(client, users, stations, make_fiche):
    fiche = make_fiche("VOI-NID")  # the caller Alice Durand, 06 12 34 56 78
    _ami({"Event": "QueueCallerJoin", **CALL}, 570)
    _ami({"Event": "AgentCalled", **CALL, **ALICE}, 595)
    _ami({"Event": "AgentConnect", **CALL, **ALICE, "HoldTime": "25"}, 596)
    client.force_login(users["agent"])
    page = client.get(reverse("cti:pop")).content.decode()
    assert "06 12 34 56 78" in page and "DURAND" in page and fiche.reference in page
    assert f"call_id=77.1&amp;requester={fiche.requester_id}" in page
    # nothing changed since: no new banner is sent
    assert client.get(reverse("cti:pop"), {"shown": "77.1"}).status_code == 204
    client.force_login(users["agent2"])
    response = client.get(reverse("cti:pop"))
    assert response.status_code == 204  # nothing for them: no banner
    # a cell and a supervisor without a telephone stop polling
    for name in ("cellule-voirie", "superviseur", "comite"):
        client.force_login(users[name])
        assert client.get(reverse("cti:pop")).status_code == 286
    # closing the banner
    client.force_login(users["agent"])
    client.post(reverse("cti:dismiss"), {"callid": "77.1"})
    assert "DURAND" not in client.get(reverse("cti:pop")).content.decode()


def test_a_withheld_number_says_so(client, users, stations):
    _ami({"Event": "QueueCallerJoin", **CALL, "CallerIDNum": "anonymous"}, 570)
    _ami({"Event": "AgentConnect", **CALL, **ALICE, "HoldTime": "25"}, 596)
    client.force_login(users["agent"])
    page = client.get(reverse("cti:pop")).content.decode()
    assert "masqué" in page and "phone=" not in page


def test_the_screen_pop_shows_only_fiches_the_agent_may_see(users, stations, make_fiche):
    make_fiche("VOI-NID")
    _ami({"Event": "QueueCallerJoin", **CALL}, 570)
    _ami({"Event": "AgentConnect", **CALL, **ALICE, "HoldTime": "25"}, 596)
    Station.objects.filter(user=users["agent"]).update(user=users["cellule-eclairage"])
    pop = services.current_pop(users["cellule-eclairage"])
    assert pop is not None and pop.callers and pop.fiches == []  # a City cell, a Métropole fiche


def test_intake_opened_from_the_pop_carries_the_call_and_the_caller(client, users, make_fiche):
    fiche = make_fiche("VOI-NID")
    client.force_login(users["agent"])
    page = client.get(
        reverse("fiches:intake"), {"call_id": "77.1", "requester": fiche.requester_id}
    ).content.decode()
    assert 'value="77.1"' in page and 'value="Durand"' in page and fiche.reference in page
    page = client.get(reverse("fiches:intake"), {"call_id": "77.1", "phone": "0612345678"}).content.decode()
    assert 'value="0612345678"' in page


def test_the_wallboard_is_for_supervisors_with_a_constant_number_of_queries(
    client, users, django_assert_max_num_queries
):
    for n in range(30):
        _ami({"Event": "QueueCallerJoin", **CALL, "Uniqueid": f"9.{n}", "Queue": f"q{n % 3}"}, n)
        _ami({"Event": "QueueMemberStatus", "Queue": f"q{n % 3}", "MemberName": f"a{n}", "Status": "1"}, n)
    for name in ("agent", "cellule-voirie", "direction-voirie", "comite", "finances"):
        client.force_login(users[name])
        assert client.get(reverse("cti:wallboard")).status_code == 403, name
    client.force_login(users["superviseur"])
    with django_assert_max_num_queries(12):
        page = client.get(reverse("cti:wallboard"), {"grand": "1"}).content.decode()
    assert "wallboard-large" in page and "q2" in page and "Alerte" in page


def _signed(client, settings, body: dict | bytes, *, stamp: int | None = None, secret: str | None = None):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    stamp_text = str(stamp if stamp is not None else int(time.time()))
    signature = events.signature(secret or settings.CTI_HTTP_SECRET, stamp_text, data)
    return client.post(
        reverse("cti:notify"), data, content_type="application/json",
        HTTP_X_CTI_TIMESTAMP=stamp_text, HTTP_X_CTI_SIGNATURE=signature,
    )  # fmt: skip


def test_the_generic_entry_takes_signed_fresh_notices_once(client, settings, users, stations):
    settings.CTI_HTTP_SECRET = "partager-un-secret"
    new_call = {"event": "newCall", "callId": "g-1", "from": "0612345678", "to": "3013", "queue": "info"}
    assert _signed(client, settings, new_call).status_code == 202
    assert _signed(client, settings, {"event": "answer", "callId": "g-1", "user": "1002"}).status_code == 202
    call = LiveCall.objects.get(callid="g-1")
    assert (call.state, call.agent, call.queue) == ("connected", "1002", "info")
    assert services.current_pop(users["agent2"]).call == call and services.current_pop(users["agent"]) is None
    # the same notice again (a replay) is refused, so is a stale or badly signed one
    stamp = int(time.time())
    hangup = {"event": "hangup", "callId": "g-1"}
    assert _signed(client, settings, hangup, stamp=stamp).status_code == 202
    assert _signed(client, settings, hangup, stamp=stamp).status_code == 409
    assert _signed(client, settings, hangup, stamp=stamp - 3600).status_code == 403
    assert _signed(client, settings, hangup, secret="pas-le-bon").status_code == 403
    assert _signed(client, settings, b"\\xff{").status_code == 400
    assert _signed(client, settings, {"event": "newCall"}).status_code == 400
    assert LiveCall.objects.get(callid="g-1").state == "done"
    settings.CTI_HTTP_SECRET = ""
    assert _signed(client, settings, new_call, secret="x").status_code == 403


def test_the_fiche_page_shows_the_calls_passages_to_supervisors_only(client, users, make_fiche):
    script = [
        scenario.ScriptedCall("c-42", "info", "0612345678", paris_today_at(8), "answered", 14, 95, "1001")
    ]
    import_lines(scenario.queue_log(script), name="queue_log-c42")
    fiche = make_fiche("VOI-NID", call_id="c-42")
    client.force_login(users["superviseur"])
    page = client.get(reverse("fiches:detail", args=[fiche.reference])).content.decode()
    assert "call-passages-title" in page and "<td>14</td><td>95</td>" in page
    client.force_login(users["agent"])
    assert (
        "call-passages-title"
        not in client.get(reverse("fiches:detail", args=[fiche.reference])).content.decode()
    )
