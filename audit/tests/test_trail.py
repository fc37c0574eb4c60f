"""The field-level history: changes to personal data are recorded, their values never."""

from __future__ import annotations

import json

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from audit.trail import MASK
from fiches.models import Fiche, Requester
from organisations.models import Membership, Role

PERSONAL = [
    "Durand",
    "DURAND",
    "Alice",
    "06 12 34 56 78",
    "0612345678",
    "alice.durand@example.org",
    "12 rue Paradis",
]


def entries_of(model) -> list[LogEntry]:
    return list(LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model)).order_by("id"))


def row_text(entry: LogEntry) -> str:
    """Every column of the entry as stored."""
    values = LogEntry.objects.filter(pk=entry.pk).values().get()
    return json.dumps(values, default=str, ensure_ascii=False)


def test_requester_changes_are_recorded_with_their_values_masked(db):
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
    requester.phone = "07 98 76 54 32"
    requester.email = "a.durand@example.org"
    requester.save()
    created, updated = entries_of(Requester)
    assert created.action == LogEntry.Action.CREATE and updated.action == LogEntry.Action.UPDATE
    assert set(updated.changes_dict) == {"phone", "email"}
    assert updated.changes_dict["phone"] == [MASK, MASK]
    for entry in (created, updated):
        stored = row_text(entry)
        for value in [
            *PERSONAL,
            "07 98 76 54 32",
            "0798765432",
            "a.durand@example.org",
            "13001",
            "Marseille",
        ]:
            assert value not in stored, value
        assert entry.object_repr == f"Usager n° {requester.pk}"
    # The derived copies (digits, normalised name) are not in the history at all.
    assert "phone_digits" not in created.changes_dict and "search_name" not in created.changes_dict


def test_unchanged_requester_saves_leave_no_entry(db):
    requester = Requester.objects.create(last_name="Durand")
    requester.save()
    assert len(entries_of(Requester)) == 1


def test_fiche_location_is_masked_and_status_changes_are_not_history(make_fiche, users):
    fiche = make_fiche("VOI-NID")
    assert entries_of(Fiche) == []  # its creation is the timeline's "created" event
    fiche.street_name = "rue de Rome"
    fiche.save()
    (entry,) = entries_of(Fiche)
    assert entry.object_repr == fiche.reference
    assert entry.changes_dict["street_name"] == [MASK, MASK] or entry.changes_dict["street_name"][1] == MASK
    assert "rue Paradis" not in row_text(entry) and "rue de Rome" not in row_text(entry)
    Fiche.objects.filter(pk=fiche.pk).update(status="acknowledged")
    fiche.refresh_from_db()
    fiche.priority = "high"
    fiche.save()
    assert len(entries_of(Fiche)) == 1  # the timeline (Event) records the work, not this trail


def test_membership_changes_name_the_actor(users, bodies, client):
    from auditlog.context import set_actor

    before = len(entries_of(Membership))  # the demo users' memberships
    with set_actor(users["admin"]):
        membership = Membership.objects.create(
            user=users["agent2"], role=Role.SUPERVISOR, body=bodies["city"]
        )
        membership.delete()
    created, deleted = entries_of(Membership)[before:]
    assert created.actor == users["admin"] and deleted.action == LogEntry.Action.DELETE
    assert "agent2" in created.object_repr


def test_nomenclature_publication_is_in_the_history(catalogue_types):
    from catalogue.models import RequestTypeVersion

    assert entries_of(RequestTypeVersion)


def test_another_app_registers_its_model_in_one_call(db):
    """The door other apps use (retention rules, API keys): audit.track in their ready()."""
    from auditlog.registry import auditlog

    import audit
    from organisations.models import ClosedDay

    assert not auditlog.contains(ClosedDay)
    try:
        audit.track(ClosedDay, personal=("label",))
        assert auditlog.contains(ClosedDay)
    finally:
        auditlog.unregister(ClosedDay)
