"""The committee's pages: proposing through the form, deciding, emergency, who may do what."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from catalogue.models import RequestTypeVersion
from catalogue.services import current_version
from committee.models import ChangeRequest
from core.testing import assert_paged

pytestmark = pytest.mark.django_db


def version_post(catalogue_types, **changes) -> dict:
    current = catalogue_types["VOI-NID"]
    data = {
        "family": current.request_type.family_id,
        "label": current.label,
        "kind": current.kind,
        "directorate": current.directorate_id,
        "deadline_amount": "3",
        "deadline_unit": "working_days",
        "priority": "normal",
        "effective_date": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "reason": "Délai raccourci",
    }
    return data | changes


def test_a_manager_proposes_through_the_form(client, users, catalogue_types, meeting):
    client.force_login(users["direction-voirie"])
    url = "/comite/demandes/nouvelle/?kind=change&type=VOI-NID"
    form = client.get(url)
    assert form.status_code == 200 and 'value="Nid-de-poule sur la chaussée"' in form.content.decode()
    response = client.post(url, version_post(catalogue_types))
    change = ChangeRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/comite/demandes/{change.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Impact sur les 12 derniers mois" in page and "3 jours ouvrés" in page
    assert change.draft.deadline_amount == 3 and change.draft.status == RequestTypeVersion.Status.DRAFT


@pytest.mark.parametrize(
    "changes", [{"effective_date": "9999-99-99"}, {"effective_date": "2020-01-01"}, {"deadline_amount": "²"},
                {"deadline_amount": "99999999999999999999"}, {"reason": ""}],
)  # fmt: skip
def test_bad_input_is_a_400_keeping_what_was_typed(client, users, catalogue_types, changes):
    client.force_login(users["direction-voirie"])
    url = "/comite/demandes/nouvelle/?kind=change&type=VOI-NID"
    response = client.post(url, version_post(catalogue_types, **changes))
    html = response.content.decode()
    assert response.status_code == 400
    assert 'role="alert"' in html or "invalid-feedback" in html or "aria-invalid" in html
    assert 'value="Nid-de-poule sur la chaussée"' in html
    assert not ChangeRequest.objects.exists()


def test_unknown_kind_or_type(client, users, catalogue_types):
    client.force_login(users["admin"])
    assert client.get("/comite/demandes/nouvelle/?kind=<b>").status_code == 404
    missing = client.get("/comite/demandes/nouvelle/?kind=change&type=NOPE")
    assert missing.status_code == 400 and "NOPE" in missing.content.decode()
    assert client.get("/comite/demandes/nouvelle/?kind=withdrawal").status_code == 200


@pytest.mark.parametrize("username", ["agent", "cellule-voirie", "finances"])
def test_who_may_not(client, users, username):
    client.force_login(users[username])
    assert client.get("/comite/").status_code == 403
    assert client.get("/comite/demandes/nouvelle/").status_code == 403


def test_the_secretary_records_the_meeting_decision(client, users, catalogue_types, meeting):
    client.force_login(users["direction-voirie"])
    client.post("/comite/demandes/nouvelle/?kind=change&type=VOI-NID", version_post(catalogue_types))
    change = ChangeRequest.objects.get()
    client.force_login(users["admin"])
    assert client.post(f"/comite/demandes/{change.pk}/decision/", {"outcome": "approve"}).status_code == 403
    client.force_login(users["comite"])
    page = client.get(f"/comite/demandes/{change.pk}/").content.decode()
    assert "Consigner la décision du comité" in page
    refused = client.post(
        f"/comite/demandes/{change.pk}/decision/", {"outcome": "approve"}
    )  # no meeting, no answers
    assert refused.status_code == 400 and "consultation écrite" in refused.content.decode()
    done = client.post(
        f"/comite/demandes/{change.pk}/decision/",
        {"outcome": "approve", "meeting": meeting.pk, "note": "Accord"},
    )
    assert done.status_code == 302
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.APPROVED
    assert current_version("VOI-NID", at=change.draft.effective_from).deadline_amount == 3
    assert current_version("VOI-NID").deadline_amount == 5
    meeting_page = client.get(f"/comite/reunions/{meeting.pk}/").content.decode()
    assert "VOI-NID" in meeting_page and "Approuvée" in meeting_page


def test_emergency_through_the_page(client, users, catalogue_types, members):
    client.force_login(users["admin"])
    client.post("/comite/demandes/nouvelle/?kind=change&type=VOI-NID", version_post(catalogue_types))
    change = ChangeRequest.objects.get()
    assert client.post(f"/comite/demandes/{change.pk}/urgence/", {"note": ""}).status_code == 400
    assert client.post(f"/comite/demandes/{change.pk}/urgence/", {"note": "Orage"}).status_code == 302
    assert current_version("VOI-NID").deadline_amount == 3


def test_the_change_requests_page_through_every_request_with_the_same_queries(
    client, users, catalogue_types, django_assert_num_queries
):
    """50 a page, newest first, with the previous and the next page: none left out past 200."""
    from datetime import UTC, datetime

    from django.urls import reverse

    first = datetime(2020, 1, 6, 9, tzinfo=UTC)
    ChangeRequest.objects.bulk_create(
        ChangeRequest(
            kind=ChangeRequest.Kind.WITHDRAWAL, request_type=catalogue_types["VOI-NID"].request_type,
            reason=f"Retrait {n}", effective_date=first.date(), proposed_by=users["admin"],
            proposed_at=first + timedelta(days=n),
        )
        for n in range(220)
    )  # fmt: skip
    newest_first = list(ChangeRequest.objects.values_list("pk", flat=True))
    client.force_login(users["comite"])
    url = reverse("committee:index")

    def listed(html: str) -> list[int]:
        return [int(pk) for pk in re.findall(r'<th scope="row"><a href="/comite/demandes/(\d+)/"', html)]

    # session, user, scope; the requests counted, then read; the meetings
    assert_paged(client, url, "page", listed, newest_first, lambda: django_assert_num_queries(6))
