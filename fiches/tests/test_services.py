"""Creation, routing, versioning, deadlines, references and the lifecycle table."""

from datetime import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from catalogue.services import TypeData, current_version, publish_version
from fiches.models import Event, Fiche, Status
from fiches.services import ConcurrentUpdate, transition
from fiches.workflow import ACTIONS
from worktime.calendar import PARIS


def test_routing_snapshots_body_directorate_and_cell(make_fiche):
    road = make_fiche("VOI-NID")
    light = make_fiche("ECL-LAMP")
    assert (road.body.short_name, road.directorate.code) == ("Métropole", "amp-voirie")
    assert road.cell == road.directorate.cell
    assert (light.body.short_name, light.directorate.code) == ("Ville", "vdm-eclairage")
    assert road.status == Status.TRANSMITTED
    assert road.arrondissement == 1 and road.sector == 1
    assert list(road.events.values_list("kind", flat=True)) == ["created", "transition"]


def test_fiche_keeps_its_version_after_the_type_changes(make_fiche, catalogue_types, users):
    fiche = make_fiche("VOI-NID")
    old = catalogue_types["VOI-NID"]
    data = TypeData(
        code="VOI-NID",
        family=old.request_type.family,
        label="Trou dans la chaussée",
        kind=old.kind,
        directorate=old.directorate,
        deadline_amount=3,
        deadline_unit="working_days",
    )
    new = publish_version(data, user=users["admin"], reason="committee 2026-Q4")
    fiche.refresh_from_db()
    assert fiche.request_type == old and fiche.request_type.label == "Nid-de-poule sur la chaussée"
    assert current_version("VOI-NID") == new and new.number == 2
    assert make_fiche("VOI-NID").request_type == new


def test_due_date_uses_the_competent_body_calendar(make_fiche):
    # Wednesday before Ascension 2026: 5 working days skip Thursday 14 May
    fiche = make_fiche("VOI-NID", created_at=datetime(2026, 5, 13, 9, tzinfo=PARIS))
    assert fiche.due_at.astimezone(PARIS).date().isoformat() == "2026-05-21"
    urgent = make_fiche("HYG-ANIMAL", requester=None, created_at=datetime(2026, 7, 13, 12, tzinfo=PARIS))
    assert urgent.due_at.astimezone(PARIS) == datetime(2026, 7, 15, 12, tzinfo=PARIS)  # 14 July closed


def test_references_are_sequential_per_year_and_readable(make_fiche):
    first = make_fiche(created_at=datetime(2026, 12, 31, 23, 30, tzinfo=PARIS))
    second = make_fiche(created_at=datetime(2027, 1, 1, 0, 5, tzinfo=PARIS))
    third = make_fiche(created_at=datetime(2027, 1, 2, 9, tzinfo=PARIS))
    assert first.reference == "AM-2026-000001"
    assert (second.reference, third.reference) == ("AM-2027-000001", "AM-2027-000002")
    assert third.reference_spoken == "AM · 2027 · 000 002"


def test_intake_rules_are_enforced(make_fiche):
    with pytest.raises(ValidationError) as anonymous:
        make_fiche("VOI-NID", requester=None)
    assert "requester" in anonymous.value.message_dict
    with pytest.raises(ValidationError) as phone_only:
        make_fiche("HYG-ANIMAL", requester=None, channel="web")
    assert "channel" in phone_only.value.message_dict
    with pytest.raises(ValidationError) as outside:
        make_fiche("VOI-NID", postal_code="13100")
    assert "postal_code" in outside.value.message_dict
    assert Fiche.objects.count() == 0


def test_information_request_is_answered_and_closed_at_intake(make_fiche):
    fiche = make_fiche("INF-ETATCIVIL", outcome="Prendre rendez-vous en mairie de secteur.")
    assert fiche.status == Status.CLOSED and fiche.was_late is False


def act(fiche, action, user, **kw):
    return transition(fiche, action, user, **kw)


def test_full_lifecycle_and_lateness_frozen_at_resolution(make_fiche, users):
    fiche = make_fiche("VOI-NID", created_at=datetime(2026, 3, 2, 9, tzinfo=PARIS))
    cell = users["cellule-voirie"]
    act(fiche, "acknowledge", cell)
    act(fiche, "start", cell)
    act(fiche, "wait", cell, comment="Attente du concessionnaire")
    act(fiche, "start", cell)
    act(fiche, "resolve", cell, outcome="Trou rebouché.")
    assert fiche.status == Status.RESOLVED and fiche.was_late is True  # due in March, resolved now
    act(fiche, "close", users["agent"])
    act(fiche, "reopen", users["agent"], comment="Le trou est revenu")
    assert fiche.status == Status.REOPENED and fiche.was_late is None
    assert fiche.due_at > timezone.now() and fiche.cycle_started_at > fiche.created_at  # a new deadline
    events = list(fiche.events.filter(kind=Event.Kind.TRANSITION).values_list("action", flat=True))
    assert events == ["transmit", "acknowledge", "start", "wait", "start", "resolve", "close", "reopen"]


# Who may take each action on a freshly transmitted Métropole road fiche.
ALLOWED_ON_TRANSMITTED = {
    "acknowledge": {"cellule-voirie", "direction-voirie", "superviseur", "admin"},
    "resolve": {"cellule-voirie", "direction-voirie", "superviseur", "admin"},
    "send_back": {"cellule-voirie", "direction-voirie", "superviseur", "admin"},
    "reject": {"cellule-voirie", "direction-voirie", "superviseur", "admin"},
    "reroute": {"superviseur", "admin"},
    "mark_duplicate": {"agent", "agent2", "superviseur", "admin", "cellule-voirie", "direction-voirie"},
}


@pytest.mark.parametrize("action", sorted(ALLOWED_ON_TRANSMITTED))
def test_transition_permissions(make_fiche, users, catalogue_types, action):
    for username, user in users.items():
        fiche = make_fiche("VOI-NID")
        original = make_fiche("VOI-NID")
        kwargs = {"comment": "raison", "outcome": "résultat", "reason": "not_fixable"}
        if action == "reroute":
            kwargs["new_type"] = catalogue_types["ECL-LAMP"]
        if action == "mark_duplicate":
            kwargs["original"] = original
        if username in ALLOWED_ON_TRANSMITTED[action]:
            act(fiche, action, user, **kwargs)
            assert fiche.status == ACTIONS[action].target
        else:
            with pytest.raises(PermissionDenied):
                act(fiche, action, user, **kwargs)
            fiche.refresh_from_db()
            assert fiche.status == Status.TRANSMITTED


def test_impossible_transitions_are_refused(make_fiche, users):
    fiche = make_fiche()
    with pytest.raises(ValidationError):
        act(fiche, "close", users["agent"])  # not resolved yet
    with pytest.raises(ValidationError):
        act(fiche, "answer", users["agent"], outcome="x")  # not an information request
    with pytest.raises(ValidationError):
        act(fiche, "send_back", users["cellule-voirie"])  # reason required
    with pytest.raises(ValidationError):
        act(fiche, "reject", users["cellule-voirie"], outcome="Hors compétence")  # why?


def test_stale_form_gets_a_clear_message_and_loses_no_update(make_fiche, users):
    fiche = make_fiche()
    seen = fiche.lock_version
    act(fiche, "acknowledge", users["cellule-voirie"], expected_version=seen)
    with pytest.raises(ConcurrentUpdate):
        act(fiche, "resolve", users["direction-voirie"], outcome="fait", expected_version=seen)
    fiche.refresh_from_db()
    assert fiche.status == Status.ACKNOWLEDGED


def test_reroute_recomputes_due_date_on_the_new_body(make_fiche, users, catalogue_types):
    fiche = make_fiche("VOI-NID")
    act(fiche, "send_back", users["cellule-voirie"], comment="C'est un lampadaire")
    assert fiche.status == Status.REROUTED
    act(fiche, "reroute", users["superviseur"], comment="Lampadaire", new_type=catalogue_types["ECL-LAMP"])
    fiche.refresh_from_db()
    assert (fiche.body.short_name, fiche.directorate.code, fiche.status) == (
        "Ville",
        "vdm-eclairage",
        "transmitted",
    )
    assert fiche.original_body.short_name == "Métropole" and fiche.reroute_count == 1
    event = fiche.events.get(kind=Event.Kind.REROUTE)
    assert event.data["from"]["body"] == "Métropole" and event.data["to"]["body"] == "Ville"
    assert datetime.fromisoformat(event.data["to"]["due_at"]) == fiche.due_at


def test_duplicate_makes_the_caller_a_follower(make_fiche, users):
    original = make_fiche()
    copy = make_fiche()
    act(copy, "mark_duplicate", users["agent"], original=original)
    assert copy.duplicate_of == original
    assert list(original.followers.all()) == [copy.requester]


def test_reject_records_why_for_the_citizen_letter(make_fiche, users):
    fiche = make_fiche()
    act(
        fiche,
        "reject",
        users["cellule-voirie"],
        outcome="Voie privée : voyez le syndic.",
        reason="outside_competence",
    )
    event = fiche.events.get(action="reject")
    assert event.data == {"reason": "outside_competence"} and event.public
    assert fiche.status == Status.REJECTED and fiche.outcome.startswith("Voie privée")
