"""Nomenclature change requests: impact, the committee's decision publishing the draft at its
date, the written consultation, the emergency path, and the lock once the workflow is on."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from catalogue.models import RequestType, RequestTypeVersion
from catalogue.services import TypeData, current_version, publish_version
from committee import services
from committee.impact import key_after
from committee.models import AgendaItem, ChangeRequest, ConsultationAnswer, Meeting
from fiches.services import transition
from organisations.models import Directorate

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def road_to_city(catalogue_types, deadline: int = 2) -> TypeData:
    """VOI-NID proposed to the Ville's lighting directorate, with a 2-working-day deadline."""
    current = catalogue_types["VOI-NID"]
    return TypeData(
        code="VOI-NID",
        family=current.request_type.family,
        label=current.label,
        kind=current.kind,
        directorate=Directorate.objects.select_related("cell", "body").get(code="vdm-eclairage"),
        deadline_amount=deadline,
        deadline_unit="working_days",
    )


def propose(users, catalogue_types, days_ahead: int = 10) -> ChangeRequest:
    return services.propose_change(
        users["direction-voirie"],
        kind=ChangeRequest.Kind.CHANGE,
        reason="Les nids-de-poule des trottoirs relèvent de la Ville",
        effective_date=timezone.localdate() + timedelta(days=days_ahead),
        data=road_to_city(catalogue_types),
    )


def test_impact_over_the_last_twelve_months(make_fiche, users, catalogue_types):
    monday = datetime(2026, 6, 1, 9, tzinfo=PARIS)
    resolved = make_fiche("VOI-NID", created_at=monday)
    transition(resolved, "resolve", users["cellule-voirie"], outcome="ok", at=monday + timedelta(days=3))
    make_fiche("VOI-NID", created_at=monday)
    original = make_fiche("VOI-NID", created_at=monday)
    duplicate = make_fiche("VOI-NID", created_at=monday)
    transition(duplicate, "mark_duplicate", users["agent"], original=original)
    make_fiche("ECL-LAMP", created_at=monday)
    make_fiche("VOI-NID", created_at=monday - timedelta(days=400))  # outside the window
    change = propose(users, catalogue_types)
    impact = change.impact
    assert impact["type_total"] == 3 and impact["other_body"] == 3 and impact["other_directorate"] == 3
    assert (impact["partner"], impact["total"], impact["key_before"]) == (3, 4, 75.0)
    assert (impact["partner_after"], impact["total_after"], impact["key_after"]) == (0, 4, 0.0)
    assert impact["late_now"] == 0  # resolved in 3 working days, within 5
    assert impact["late_after"] == 1 and impact["late_estimated_now"] == 0  # 72 h > 2 days
    assert change.draft.status == RequestTypeVersion.Status.DRAFT
    assert current_version("VOI-NID").body.short_name == "Métropole"  # nothing changed yet


def test_key_arithmetic():
    assert key_after(partner=30, total=100, type_total=10, type_partner=10, new_is_partner=False) == (20, 100)
    assert key_after(partner=30, total=100, type_total=10, type_partner=0, new_is_partner=True) == (40, 100)
    assert key_after(partner=30, total=100, type_total=10, type_partner=10, new_is_partner=None) == (20, 90)


def test_meeting_approval_publishes_the_draft_at_its_date(users, catalogue_types, members, meeting):
    change = propose(users, catalogue_types, days_ahead=10)
    assert AgendaItem.objects.filter(meeting=meeting, change_request=change).exists()
    services.decide(change, users["comite"], approve=True, meeting=meeting, note="Unanimité")
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.APPROVED and change.meeting == meeting
    assert change.decided_by == users["comite"] and change.draft.status == RequestTypeVersion.Status.PUBLISHED
    effective = timezone.localtime(change.draft.effective_from)
    assert effective.date() == timezone.localdate() + timedelta(days=10) and effective.hour == 0
    assert current_version("VOI-NID").body.short_name == "Métropole"  # not yet
    assert current_version("VOI-NID", at=change.draft.effective_from).body.short_name == "Ville"
    with pytest.raises(ValidationError):
        services.decide(change, users["comite"], approve=False, meeting=meeting)  # decided once


def test_refusal_leaves_the_draft_unpublished(users, catalogue_types, members, meeting):
    change = propose(users, catalogue_types)
    services.decide(change, users["comite"], approve=False, meeting=meeting)
    change.draft.refresh_from_db()
    assert change.status == ChangeRequest.Status.REFUSED
    assert change.draft.status == RequestTypeVersion.Status.DRAFT


def test_written_consultation_needs_every_answer(users, catalogue_types, members):
    change = propose(users, catalogue_types)
    services.record_answer(change, members["secretary"], "approve", users["comite"])
    with pytest.raises(ValidationError):
        services.decide(change, users["comite"], approve=True)
    services.record_answer(change, members["city"], "refuse", users["comite"])
    services.record_answer(change, members["city"], "approve", users["comite"])  # corrected
    with pytest.raises(ValidationError):
        services.decide(change, users["comite"], approve=False)  # against the answers
    services.decide(change, users["comite"], approve=True)
    assert change.decided_in == ChangeRequest.DecidedIn.WRITTEN
    assert ConsultationAnswer.objects.filter(change_request=change).count() == 2


def test_who_may_propose_and_decide(users, catalogue_types, members, meeting):
    with pytest.raises(PermissionDenied):
        services.propose_change(
            users["agent"], kind="change", reason="x", effective_date=timezone.localdate(),
            data=road_to_city(catalogue_types),
        )  # fmt: skip
    change = propose(users, catalogue_types)
    for username in ("admin", "superviseur", "direction-voirie"):
        with pytest.raises(PermissionDenied):
            services.decide(change, users[username], approve=True, meeting=meeting)
    members["secretary"].is_secretary = False
    members["secretary"].save()
    with pytest.raises(PermissionDenied):
        services.decide(change, users["comite"], approve=True, meeting=meeting)


def test_emergency_publication_is_logged_and_put_on_the_next_agenda(
    users, catalogue_types, members, settings
):
    settings.NOMENCLATURE_COMMITTEE_APPROVAL = True
    change = propose(users, catalogue_types, days_ahead=30)
    with pytest.raises(PermissionDenied):
        services.publish_in_emergency(change, users["direction-voirie"], note="urgent")
    with pytest.raises(ValidationError):
        services.publish_in_emergency(change, users["admin"], note=" ")
    services.publish_in_emergency(change, users["admin"], note="Chaussées effondrées après l'orage")
    assert current_version("VOI-NID").body.short_name == "Ville"  # in force now
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.EMERGENCY and change.decided_by == users["admin"]
    later = Meeting.objects.create(starts_at=timezone.now() + timedelta(days=5))
    assert services.add_pending_items(later) == 1
    assert later.agenda.get().change_request == change


def test_once_on_nothing_else_publishes(users, catalogue_types, settings, client):
    settings.NOMENCLATURE_COMMITTEE_APPROVAL = True
    with pytest.raises(ValidationError):
        publish_version(road_to_city(catalogue_types), reason="direct")
    draft = publish_version(road_to_city(catalogue_types), reason="proposal", status="draft")
    assert draft.status == "draft"
    client.force_login(users["admin"])
    current = catalogue_types["ECL-LAMP"]
    response = client.post(
        "/nomenclature/type/ECL-LAMP/nouvelle-version/",
        {
            "family": current.request_type.family_id, "label": "Lampadaire éteint", "kind": "anomaly",
            "directorate": current.directorate_id, "deadline_amount": "3", "deadline_unit": "working_days",
            "priority": "normal", "effective_date": timezone.localdate().isoformat(), "reason": "plus vite",
        },
    )  # fmt: skip
    assert response.status_code == 200 and "comité de suivi" in response.content.decode()
    assert current_version("ECL-LAMP").deadline_amount == 10


def test_withdrawal_applies_on_its_date(users, catalogue_types, members, meeting):
    change = services.propose_change(
        users["admin"],
        kind="withdrawal",
        reason="Doublon de PRO-DEPOT",
        effective_date=timezone.localdate() + timedelta(days=3),
        request_type=RequestType.objects.get(code="EV-BANC"),
    )
    services.decide(change, users["comite"], approve=True, meeting=meeting)
    assert RequestType.objects.get(code="EV-BANC").active and not change.applied
    assert services.apply_due_withdrawals(timezone.now() + timedelta(days=2)) == 0
    assert services.apply_due_withdrawals(timezone.now() + timedelta(days=3)) == 1
    assert not RequestType.objects.get(code="EV-BANC").active


def test_a_past_effective_date_is_refused(users, catalogue_types):
    with pytest.raises(ValidationError):
        services.propose_change(
            users["admin"], kind="change", reason="x", effective_date=date(2020, 1, 1),
            data=road_to_city(catalogue_types),
        )  # fmt: skip
