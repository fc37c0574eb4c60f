"""The SLA sweep: what it selects, when (body calendars with public holidays), only once."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection

from core.testing import run_at_once
from fiches.services import transition
from followup.clock import escalation_cutoff, reminder_moment
from followup.digest import run_digest
from followup.models import Alert, AlertKind, Digest, ReminderRule
from followup.sweep import run_sweep
from followup.tests.conftest import paris
from worktime import WorkCalendar


def kinds() -> list[tuple[str, str]]:
    return sorted(Alert.objects.values_list("fiche__reference", "kind"))


@pytest.mark.django_db
def test_overdue_alert_is_sent_once_to_cell_and_manager(make_fiche, users, travel, settings):
    settings.SITE_URL = "https://allo.example.org"
    travel(paris(2026, 3, 2, 9))
    fiche = make_fiche("VOI-NID")  # Métropole, 5 working days → due Mon 9 March 23:59:59
    transition(fiche, "acknowledge", users["cellule-voirie"])
    travel(paris(2026, 3, 10, 9))
    first = run_sweep()
    assert first.inserted[AlertKind.OVERDUE] == 1
    second = run_sweep()
    assert second.total == 0
    overdue = [m for m in mail.outbox if "en retard" in m.subject]
    assert len(overdue) == 1
    message = overdue[0]
    assert "allomairie-voirie@ampmetropole.fr" in message.to
    assert users["direction-voirie"].email in message.to
    assert f"https://allo.example.org/fiches/{fiche.reference}/" in message.body
    assert "Bonjour" in message.body
    assert "Alice" not in message.body  # no personal data of the citizen
    assert Alert.objects.get(kind=AlertKind.OVERDUE).sent_at is not None


@pytest.mark.django_db
def test_escalation_counts_working_days_skipping_public_holidays(make_fiche, users, travel):
    # Friday 3 July 2026: due Friday 10 July (5 working days). Tuesday 14 July is a public
    # holiday, so three working days overdue end on Thursday 16 July, not Wednesday 15.
    travel(paris(2026, 7, 3, 10))
    fiche = make_fiche("VOI-NID")
    transition(fiche, "acknowledge", users["cellule-voirie"])
    assert fiche.due_at == paris(2026, 7, 10, 23, 59, 59)
    travel(paris(2026, 7, 16, 10))
    run_sweep()
    assert kinds() == [(fiche.reference, AlertKind.OVERDUE)]
    travel(paris(2026, 7, 17, 8))
    run_sweep()
    assert (fiche.reference, AlertKind.ESCALATION) in kinds()
    escalation = [m for m in mail.outbox if "Escalade" in m.subject]
    assert len(escalation) == 1
    assert users["superviseur"].email in escalation[0].to


def test_escalation_cutoff_pure():
    calendar = WorkCalendar()
    # At Friday 17 July 08:00, fiches due up to Friday 10 July are 3 working days overdue.
    cutoff = escalation_cutoff(paris(2026, 7, 17, 8), 3, calendar)
    assert cutoff == paris(2026, 7, 13, 0)  # due on the weekend too
    cutoff = escalation_cutoff(paris(2026, 7, 16, 10), 3, calendar)
    assert cutoff == paris(2026, 7, 10, 0)


@pytest.mark.django_db
def test_reminder_waits_for_an_open_day(make_fiche, users, travel):
    # Animal mort (24 hours, City) on Monday 13 July 08:00: due Tuesday 14 July is a public
    # holiday, so it moves to Wednesday 15 July 08:00. 75 % falls on the holiday (20:00).
    travel(paris(2026, 7, 13, 8))
    fiche = make_fiche("HYG-ANIMAL", requester=None)
    assert fiche.due_at == paris(2026, 7, 15, 8)
    assert reminder_moment(fiche.created_at, fiche.due_at, 75) == paris(2026, 7, 14, 20)
    transition(fiche, "acknowledge", users["admin"])
    travel(paris(2026, 7, 14, 21))
    assert run_sweep().total == 0  # the body is closed on 14 July
    travel(paris(2026, 7, 15, 7))
    result = run_sweep()
    assert result.inserted == {AlertKind.REMINDER: 1}
    assert any("proche" in m.subject for m in mail.outbox)


@pytest.mark.django_db
def test_reminder_share_is_configurable_per_body(make_fiche, users, travel, bodies):
    travel(paris(2026, 3, 2, 9))  # Monday; VOI-NID due Monday 9 March 23:59:59
    fiche = make_fiche("VOI-NID")
    transition(fiche, "acknowledge", users["cellule-voirie"])
    ReminderRule.objects.create(body=bodies["metro"], reminder_percent=50)
    moment50 = reminder_moment(fiche.created_at, fiche.due_at, 50)
    travel(moment50.replace(microsecond=0) - __import__("datetime").timedelta(minutes=5))
    assert run_sweep().total == 0
    travel(moment50 + __import__("datetime").timedelta(minutes=5))
    assert run_sweep().inserted == {AlertKind.REMINDER: 1}


@pytest.mark.django_db
def test_unacknowledged_alert_and_no_alert_after_acknowledgement(make_fiche, users, travel):
    travel(paris(2026, 3, 2, 9))
    late = make_fiche("VOI-NID")
    acked = make_fiche("VOI-NID")
    transition(acked, "acknowledge", users["cellule-voirie"])
    travel(paris(2026, 3, 3, 10))
    result = run_sweep()
    assert result.inserted == {AlertKind.UNACKNOWLEDGED: 1}
    assert kinds() == [(late.reference, AlertKind.UNACKNOWLEDGED)]


@pytest.mark.django_db
def test_rerouting_starts_a_new_cycle(make_fiche, users, travel, catalogue_types):
    travel(paris(2026, 3, 2, 9))
    fiche = make_fiche("VOI-NID")
    transition(fiche, "acknowledge", users["cellule-voirie"])
    travel(paris(2026, 3, 10, 9))
    run_sweep()
    transition(fiche, "send_back", users["cellule-voirie"], comment="Pas chez nous")
    transition(
        fiche, "reroute", users["superviseur"], comment="Éclairage", new_type=catalogue_types["ECL-LAMP"]
    )
    transition(fiche, "acknowledge", users["cellule-eclairage"])
    assert run_sweep().total == 0  # new due date in the future: nothing yet
    travel(paris(2026, 4, 10, 9))
    assert run_sweep().inserted.get(AlertKind.OVERDUE) == 1
    assert Alert.objects.filter(fiche=fiche, kind=AlertKind.OVERDUE).count() == 2


@pytest.mark.django_db
def test_closed_and_rerouted_fiches_get_no_alert(make_fiche, users, travel):
    travel(paris(2026, 3, 2, 9))
    done = make_fiche("VOI-NID")
    back = make_fiche("VOI-NID")
    transition(done, "resolve", users["cellule-voirie"], outcome="Réparé")
    transition(back, "send_back", users["cellule-voirie"], comment="Pas chez nous")
    travel(paris(2026, 3, 20, 9))
    assert run_sweep().total == 0


@pytest.mark.django_db
def test_sweep_query_count_does_not_grow_with_fiches(
    make_fiche, users, travel, django_assert_max_num_queries
):
    travel(paris(2026, 3, 2, 9))
    for _ in range(3):
        make_fiche("VOI-NID")
    travel(paris(2026, 3, 20, 9))
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(conn) as small:
        run_sweep()
    travel(paris(2026, 3, 2, 9))
    for _ in range(12):
        make_fiche("VOI-NID")
    travel(paris(2026, 4, 20, 9))
    with CaptureQueriesContext(conn) as big:
        run_sweep()
    assert len(big) <= len(small) + 2


@pytest.mark.django_db
def test_digest_once_per_cell_and_day(make_fiche, users, travel):
    travel(paris(2026, 3, 2, 7))
    make_fiche("VOI-NID")
    make_fiche("ECL-LAMP")
    assert run_digest() == 2
    assert run_digest() == 0
    assert Digest.objects.count() == 2
    digests = [m for m in mail.outbox if "Synthèse" in m.subject]
    assert len(digests) == 2
    assert any("Nouvelles depuis hier : 1" in m.body for m in digests)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_send_each_alert_once(make_fiche, users, travel):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    travel(paris(2026, 3, 2, 9))
    for _ in range(20):
        make_fiche("VOI-NID")
    travel(paris(2026, 3, 20, 9))
    results = run_at_once(run_sweep, run_sweep)
    assert sum(r.total for r in results) == Alert.objects.count() == 20 * 3  # overdue, escalation, unack
    assert len({(m.subject, tuple(m.to)) for m in mail.outbox}) == len(mail.outbox)
    assert sum(len(r.inserted) for r in results) >= 3


@pytest.mark.django_db
def test_commands(make_fiche, users, travel):
    from io import StringIO

    from django.core.management import call_command

    travel(paris(2026, 3, 2, 9))
    make_fiche("VOI-NID")
    travel(paris(2026, 3, 10, 9))
    out = StringIO()
    call_command("sla_sweep", stdout=out)
    assert "overdue=1" in out.getvalue()
    call_command("cell_digest", stdout=out)
    assert "1 digest(s)" in out.getvalue()


# --- new deadline cycles: nothing is lost behind the watermarks ---------------------------


def alerts_of(fiche) -> list[tuple[str, object]]:
    return sorted(Alert.objects.filter(fiche=fiche).values_list("kind", "due_at"))


@pytest.mark.django_db
def test_fiche_reopened_after_its_due_date_gets_a_new_cycle_of_alerts(make_fiche, users, travel):
    travel(paris(2026, 3, 2, 9))
    fiche = make_fiche("VOI-NID")  # due Monday 9 March 23:59:59
    transition(fiche, "acknowledge", users["cellule-voirie"])
    travel(paris(2026, 3, 10, 9))
    assert run_sweep().inserted == {AlertKind.OVERDUE: 1}
    transition(fiche, "resolve", users["cellule-voirie"], outcome="Rebouché")
    travel(paris(2026, 3, 23, 9))  # long after the first due date
    run_sweep()
    transition(fiche, "reopen", users["agent"], comment="Le nid-de-poule est revenu")
    first_due = paris(2026, 3, 9, 23, 59, 59)
    assert fiche.due_at > fiche.cycle_started_at > first_due
    travel(paris(2026, 3, 24, 10))  # 25 hours later, still not acknowledged
    assert run_sweep().inserted.get(AlertKind.UNACKNOWLEDGED) == 1
    transition(fiche, "acknowledge", users["cellule-voirie"])
    travel(fiche.due_at + __import__("datetime").timedelta(hours=10))
    assert run_sweep().inserted.get(AlertKind.OVERDUE) == 1
    overdue = [due for kind, due in alerts_of(fiche) if kind == AlertKind.OVERDUE]
    assert overdue == [first_due, fiche.due_at]
    assert run_sweep().total == 0


@pytest.mark.django_db
def test_back_dated_fiche_with_a_past_due_date_still_gets_its_alerts(make_fiche, users, travel):
    travel(paris(2026, 3, 2, 9))
    make_fiche("VOI-NID")
    travel(paris(2026, 3, 20, 9))
    run_sweep()  # the watermarks are now at 20 March
    travel(paris(2026, 3, 20, 9, 5))
    run_sweep()
    # an import records a fiche received on 2 March: due 9 March, long behind the marks
    old = make_fiche("VOI-NID", created_at=paris(2026, 3, 2, 10))
    assert old.due_at == paris(2026, 3, 9, 23, 59, 59)
    travel(paris(2026, 3, 20, 9, 10))
    result = run_sweep()
    assert alerts_of(old) == sorted(
        [
            (AlertKind.ESCALATION, old.due_at),
            (AlertKind.OVERDUE, old.due_at),
            (AlertKind.UNACKNOWLEDGED, old.due_at),
        ]
    )
    assert result.total == 3
    travel(paris(2026, 3, 20, 9, 15))
    assert run_sweep().total == 0


@pytest.mark.django_db
def test_back_dated_fiche_is_caught_even_after_the_margin(make_fiche, users, travel):
    """The id mark lags: a fiche with a back-dated cycle start, committed after a sweep
    but with an id below what that sweep saw, is still examined by the next sweeps."""
    travel(paris(2026, 3, 2, 9))
    make_fiche("VOI-NID")
    travel(paris(2026, 3, 20, 9))
    run_sweep()
    old = make_fiche("VOI-NID", created_at=paris(2026, 3, 2, 10))
    newer = make_fiche("VOI-NID")
    run_sweep()  # the sweep sees the highest id (newer), the older one is behind it
    Alert.objects.filter(fiche=old).delete()  # as if old had committed after that sweep
    travel(paris(2026, 3, 20, 9, 10))
    run_sweep()
    assert {kind for kind, _due in alerts_of(old)} == {
        AlertKind.OVERDUE,
        AlertKind.ESCALATION,
        AlertKind.UNACKNOWLEDGED,
    }
    assert newer.pk > old.pk


@pytest.mark.django_db
def test_rerouted_fiche_gets_unacknowledged_and_reminder_on_its_new_cycle(
    make_fiche, users, travel, catalogue_types
):
    travel(paris(2026, 3, 2, 9))
    fiche = make_fiche("VOI-NID")
    transition(fiche, "acknowledge", users["cellule-voirie"])
    travel(paris(2026, 3, 12, 9))
    run_sweep()
    transition(fiche, "send_back", users["cellule-voirie"], comment="Pas chez nous")
    travel(paris(2026, 3, 12, 11))
    transition(
        fiche, "reroute", users["superviseur"], comment="Éclairage", new_type=catalogue_types["ECL-LAMP"]
    )
    assert fiche.cycle_started_at == paris(2026, 3, 12, 11)
    travel(paris(2026, 3, 13, 12))  # 25 hours after the re-routing
    assert run_sweep().inserted == {AlertKind.UNACKNOWLEDGED: 1}
    transition(fiche, "acknowledge", users["cellule-eclairage"])
    moment = reminder_moment(fiche.cycle_started_at, fiche.due_at, 75)
    travel(moment - __import__("datetime").timedelta(minutes=5))
    assert AlertKind.REMINDER not in run_sweep().inserted
    travel(moment + __import__("datetime").timedelta(minutes=5))
    assert run_sweep().inserted == {AlertKind.REMINDER: 1}


@pytest.mark.django_db
def test_one_task_per_cell_and_a_constant_number_of_queries(make_fiche, users, travel):
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    travel(paris(2026, 3, 2, 9))
    for _ in range(4):
        make_fiche("VOI-NID")
    make_fiche("ECL-LAMP")
    travel(paris(2026, 3, 25, 9))
    result = run_sweep()
    assert result.tasks == 2  # voirie and éclairage, whatever the number of kinds and fiches
    travel(paris(2026, 3, 25, 9, 5))
    with CaptureQueriesContext(conn) as steady:
        assert run_sweep().total == 0
    # rules, closed days, deadlines, INSERT … RETURNING, UPDATE (+ the savepoint pair)
    assert len(steady) <= 8, [q["sql"][:80] for q in steady]


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["VOI-NID", "PRO-DEPOT", "ECL-LAMP", "HYG-ANIMAL", "EV-BANC"])
def test_steady_sweeps_find_the_reminder_of_every_deadline(make_fiche, users, travel, code):
    """Found by the reminder's window alone (one due-date range per deadline of the
    catalogue): the fiche is older than the cycle margin and below the id mark."""
    from datetime import timedelta

    travel(paris(2026, 3, 2, 9))
    fiche = make_fiche(code, **({"requester": None} if code == "HYG-ANIMAL" else {}))
    transition(fiche, "acknowledge", users["admin"])
    travel(paris(2026, 3, 2, 10))
    run_sweep()
    moment = reminder_moment(fiche.cycle_started_at, fiche.due_at, 75)
    travel(moment - timedelta(minutes=5))
    assert AlertKind.REMINDER not in run_sweep().inserted
    at = moment + timedelta(minutes=5)
    travel(at)
    while at < fiche.due_at and AlertKind.REMINDER not in run_sweep().inserted:
        at = at.astimezone(paris(2026, 1, 1).tzinfo).replace(hour=9, minute=0) + timedelta(days=1)
        travel(at)
    assert (AlertKind.REMINDER, fiche.due_at) in alerts_of(fiche)


@pytest.mark.django_db
def test_the_reminder_bands_read_the_type_and_due_index(make_fiche, users, travel):
    """On SQLite, without planner statistics, a band of two request types was read through
    the request type's own index (every fiche of both types: 300 ms a sweep at a million
    fiches): the bands name their index, and the plan uses it."""
    from django.test.utils import CaptureQueriesContext

    travel(paris(2026, 3, 2, 9))
    fiche = make_fiche("VOI-NID")
    transition(fiche, "acknowledge", users["admin"])
    travel(paris(2026, 3, 2, 10))
    run_sweep()
    travel(paris(2026, 3, 2, 10, 5))
    with CaptureQueriesContext(connection) as queries:
        run_sweep()
    inserts = [q["sql"] for q in queries if q["sql"].startswith("INSERT INTO") and "'reminder'" in q["sql"]]
    assert inserts
    if connection.vendor == "sqlite":
        assert 'INDEXED BY "fiche_status_type_due"' in inserts[0]
        select = inserts[0][inserts[0].index("SELECT") :].split(" ON CONFLICT")[0]
        with connection.cursor() as cursor:
            plan = " ".join(str(row) for row in cursor.execute("EXPLAIN QUERY PLAN " + select).fetchall())
        assert "fiche_status_type_due" in plan and "fiches_fiche_request_type_id" not in plan
    else:
        assert "INDEXED BY" not in inserts[0]


@pytest.mark.django_db
def test_alert_text_email_is_not_html_escaped(make_fiche, users, travel):
    travel(paris(2026, 3, 2, 9))
    fiche = make_fiche("ECL-LAMP")
    fiche.cell.name = "Service de l'Éclairage <nuit>"
    fiche.cell.save()
    travel(paris(2026, 3, 30, 9))
    run_sweep()
    message = next(m for m in mail.outbox if "Service de l" in m.subject)
    assert "Service de l'Éclairage <nuit>" in message.subject
    assert "Service de l'Éclairage <nuit>" in message.body and "&#x27;" not in message.body
