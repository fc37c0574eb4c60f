"""The committee secretary's pages: the quarterly schedule from the convention's date, a
member's request for an extraordinary meeting, convening (agenda, pack, invitations) and the
minutes (attendance, campaigns, decisions publishing the approved version at its date)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.utils import timezone

from catalogue.models import RequestTypeVersion
from catalogue.services import current_version
from committee.models import AgendaItem, Attendance, ChangeRequest, Meeting, MeetingRequest, QuarterlyPack
from committee.tests.test_changes import propose

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def agreement(bodies):
    from agreements.models import Agreement

    return Agreement.objects.get(partner=bodies["metro"])  # notified 1 March 2025, two years


@pytest.fixture
def past_meeting(members):
    return Meeting.objects.create(starts_at=timezone.now() - timedelta(hours=2), place="Hôtel de Ville")


def test_quarterly_schedule_from_the_convention_year(client, users, members, agreement):
    client.force_login(users["comite"])
    page = client.get(f"/comite/reunions/calendrier/?convention_year={agreement.pk}-2")
    text = page.content.decode()
    # year 2 runs from 1 March 2026; its three-month periods end on 31 May, 31 August, 30 November
    # and 28 February: the committee meets the day after each
    for day in ("1er juin 2026", "1er septembre 2026", "1er décembre 2026", "1er mars 2027"):
        assert day in text, day
    assert Meeting.objects.count() == 0  # seeing the dates creates nothing
    response = client.post("/comite/reunions/calendrier/", {"convention_year": f"{agreement.pk}-2"})
    assert response.status_code == 302
    days = [timezone.localtime(m.starts_at).date() for m in Meeting.objects.order_by("starts_at")]
    assert days == [date(2026, 6, 1), date(2026, 9, 1), date(2026, 12, 1), date(2027, 3, 1)]
    client.post("/comite/reunions/calendrier/", {"convention_year": f"{agreement.pk}-2"})
    assert Meeting.objects.count() == 4  # idempotent
    assert client.get("/comite/reunions/calendrier/?convention_year=²").status_code == 400
    assert client.post("/comite/reunions/calendrier/", {"convention_year": "9-99"}).status_code == 400
    client.force_login(users["admin"])  # reads the committee's work, is not its secretary
    assert client.get("/comite/reunions/").status_code == 200
    assert (
        client.post("/comite/reunions/calendrier/", {"convention_year": f"{agreement.pk}-2"}).status_code
        == 403
    )


def test_a_member_asks_and_the_secretary_convenes(client, users, members):
    client.force_login(users["admin"])  # not a member of the committee
    assert client.get("/comite/reunions/demande/").status_code == 403
    client.force_login(users["comite"])
    refused = client.post("/comite/reunions/demande/", {"reason": ""})
    assert refused.status_code == 400
    assert client.post("/comite/reunions/demande/", {"reason": "Hausse des délais au 3e"}).status_code == 302
    asked = MeetingRequest.objects.get()
    assert asked.member == members["secretary"] and asked.meeting is None
    (message,) = mail.outbox
    assert message.to == ["p@example.org"] and "Hausse des délais au 3e" in message.body
    page = client.get("/comite/reunions/").content.decode()
    assert "Hausse des délais au 3e" in page and f"/comite/reunions/demandes/{asked.pk}/" in page
    bad = client.post(
        f"/comite/reunions/demandes/{asked.pk}/", {"starts_at": "9999-12-31T10:00", "place": "Mairie"}
    )
    assert bad.status_code == 400 and 'value="Mairie"' in bad.content.decode()
    response = client.post(
        f"/comite/reunions/demandes/{asked.pk}/", {"starts_at": "2027-01-12T14:30", "place": "Mairie"}
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == f"/comite/reunions/{meeting.pk}/convocation/"
    assert meeting.kind == Meeting.Kind.EXTRAORDINARY and meeting.requested_by == members["secretary"]
    assert timezone.localtime(meeting.starts_at) == datetime(2027, 1, 12, 14, 30, tzinfo=PARIS)
    assert "Hausse des délais au 3e" in meeting.agenda.get().title
    again = client.post(f"/comite/reunions/demandes/{asked.pk}/", {"starts_at": "2027-01-13T14:30"})
    assert again.status_code == 400 and Meeting.objects.count() == 1


def test_convene_with_agenda_pack_and_invitations(client, users, members, meeting, catalogue_types):
    change = propose(users, catalogue_types)  # on the meeting's agenda by itself
    pack = QuarterlyPack.objects.create(year=2026, quarter=3, requested_by=users["comite"], status="done")
    pack.pdf.save("p.pdf", ContentFile(b"%PDF-1.4 pack"), save=False)
    pack.xlsx.save("p.xlsx", ContentFile(b"PK xlsx"), save=False)
    pack.save()
    client.force_login(users["direction-voirie"])
    assert client.get(f"/comite/reunions/{meeting.pk}/convocation/").status_code == 403
    client.force_login(users["comite"])
    form = {
        "starts_at": "2027-01-20T09:30",
        "place": "Salle du Conseil",
        "items": "Baromètre\nCampagne d'hiver",
        "pack": str(pack.pk),
    }
    bad = client.post(
        f"/comite/reunions/{meeting.pk}/convocation/", {**form, "starts_at": "2026-02-30T10:00"}
    )
    assert bad.status_code == 400 and "Campagne d&#x27;hiver" in bad.content.decode()
    response = client.post(f"/comite/reunions/{meeting.pk}/convocation/", {**form, "action": "send"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.place == "Salle du Conseil" and meeting.invitations_sent == 1
    titles = list(meeting.agenda.values_list("title", flat=True))
    assert titles[:2] == ["Baromètre", "Campagne d'hiver"] and str(change) in " ".join(titles)
    (message,) = mail.outbox
    assert "1. Baromètre" in message.body and "20 janvier 2027, 09 h 30" in message.body
    names = [name for name, _content, _type in message.attachments]
    assert names == ["reunion-comite.ics", "dossier-comite-2026-T3.pdf", "dossier-comite-2026-T3.xlsx"]
    client.post(
        f"/comite/reunions/{meeting.pk}/convocation/", {**form, "items": "Baromètre", "action": "save"}
    )
    assert list(meeting.agenda.filter(change_request__isnull=True).values_list("title", flat=True)) == [
        "Baromètre"
    ]
    assert meeting.agenda.filter(change_request=change).count() == 1 and len(mail.outbox) == 1


def test_minutes_record_attendance_campaigns_and_decisions(
    client, users, members, past_meeting, catalogue_types
):
    change = propose(users, catalogue_types, days_ahead=10)
    AgendaItem.objects.create(meeting=past_meeting, order=5, title=str(change), change_request=change)
    secretary, city = members["secretary"], members["city"]
    url = f"/comite/reunions/{past_meeting.pk}/proces-verbal/"
    client.force_login(users["comite"])
    page = client.get(url).content.decode()
    assert "Anne Vidal" in page and f'name="decision_{change.pk}"' in page
    form = {
        f"attendance_{secretary.pk}": "present",
        f"attendance_{city.pk}": "represented",
        f"proxy_{city.pk}": "",
        f"decision_{change.pk}": "approve",
        "minutes": "Le comité approuve le transfert des nids-de-poule des trottoirs.",
        "campaigns": "Campagne « Signalez, on répare » au printemps",
    }
    kept = client.post(url, form)
    assert kept.status_code == 400 and "Signalez, on répare" in kept.content.decode()
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.PROPOSED  # nothing recorded
    assert client.post(url, {**form, f"proxy_{city.pk}": "M. Roux, adjoint"}).status_code == 302
    past_meeting.refresh_from_db()
    change.refresh_from_db()
    assert past_meeting.held and past_meeting.minutes_recorded_by == users["comite"]
    assert "Signalez" in past_meeting.campaigns
    assert {(a.member, a.status, a.represented_by) for a in past_meeting.attendance.all()} == {
        (secretary, Attendance.Status.PRESENT, ""),
        (city, Attendance.Status.REPRESENTED, "M. Roux, adjoint"),
    }
    assert change.status == ChangeRequest.Status.APPROVED and change.meeting == past_meeting
    assert change.draft.status == RequestTypeVersion.Status.PUBLISHED
    assert current_version("VOI-NID").body.short_name == "Métropole"  # published at its date
    assert current_version("VOI-NID", at=change.draft.effective_from).body.short_name == "Ville"
    page = client.get(f"/comite/reunions/{past_meeting.pk}/").content.decode()
    assert "Représenté" in page and "M. Roux, adjoint" in page and "Approuvée" in page


def test_no_minutes_before_the_meeting(client, users, members, meeting):
    client.force_login(users["comite"])
    members_form = {f"attendance_{m.pk}": "present" for m in members.values()}
    response = client.post(
        f"/comite/reunions/{meeting.pk}/proces-verbal/", {**members_form, "minutes": "Trop tôt"}
    )
    assert response.status_code == 400 and "Trop tôt" in response.content.decode()
    meeting.refresh_from_db()
    assert not meeting.held


@pytest.mark.parametrize("username", ["cellule-voirie", "agent", "finances", "admin"])
def test_only_the_secretary_runs_the_meetings(client, users, members, past_meeting, username):
    client.force_login(users[username])
    for url in (
        f"/comite/reunions/{past_meeting.pk}/convocation/",
        f"/comite/reunions/{past_meeting.pk}/proces-verbal/",
        "/comite/reunions/calendrier/",
    ):
        assert client.get(url).status_code == 403, url
    assert (
        client.post(f"/comite/reunions/{past_meeting.pk}/proces-verbal/", {"minutes": "x"}).status_code == 403
    )
