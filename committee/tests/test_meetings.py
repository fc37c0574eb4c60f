"""Quarterly schedule, invitations by e-mail with the agenda and an ICS file."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from committee.calendar import add_months, ics_event, quarterly_dates
from committee.models import AgendaItem, Meeting
from core.testing import assert_paged

pytestmark = pytest.mark.django_db


def test_quarterly_dates_keep_the_convention_day():
    assert quarterly_dates(date(2026, 1, 31), date(2026, 12, 31)) == [
        date(2026, 1, 31), date(2026, 4, 30), date(2026, 7, 31), date(2026, 10, 31),
    ]  # fmt: skip
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)


def test_ics_escapes_and_folds():
    text = ics_event(
        uid="m-1@x",
        start=datetime(2026, 3, 10, 9, tzinfo=UTC),
        duration=timedelta(hours=2),
        summary="Comité; suivi, T1",
        description="1. Point\n2. " + "é" * 80,
        now=datetime(2026, 3, 1, tzinfo=UTC),
        location="Hôtel de Ville",
        attendees=["a@example.org"],
    )
    assert "SUMMARY:Comité\\; suivi\\, T1\r\n" in text and "DTSTART:20260310T090000Z" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    unfolded = text.replace("\r\n ", "")
    assert "DESCRIPTION:1. Point\\n2. " + "é" * 80 in unfolded


def test_schedule_command(members):
    out = io.StringIO()
    call_command("committee_schedule", "--from", "2026-01-15", "--until", "2026-12-31", stdout=out)
    assert Meeting.objects.filter(kind="quarterly").count() == 4
    call_command("committee_schedule", "--from", "2026-01-15", "--until", "2026-12-31", stdout=out)
    assert Meeting.objects.count() == 4  # idempotent
    with pytest.raises(CommandError):
        call_command("committee_schedule", "--from", "2026-02-30", "--until", "2026-12-31")


def test_invitations_carry_the_agenda_and_the_calendar(client, users, members, meeting):
    AgendaItem.objects.create(meeting=meeting, order=1, title="Baromètre du trimestre")
    client.force_login(users["admin"])
    assert client.post(f"/comite/reunions/{meeting.pk}/invitations/").status_code == 403
    client.force_login(users["comite"])
    assert client.post(f"/comite/reunions/{meeting.pk}/invitations/").status_code == 302
    (message,) = mail.outbox
    assert sorted(message.bcc) == ["a@example.org", "p@example.org"]
    assert "1. Baromètre du trimestre" in message.body
    name, content, mimetype = message.attachments[0]
    assert name.endswith(".ics") and mimetype.startswith("text/calendar")
    assert "BEGIN:VEVENT" in content and "SEQUENCE:0" in content and "Baromètre du trimestre" in content
    client.post(f"/comite/reunions/{meeting.pk}/invitations/")
    assert "SEQUENCE:1" in mail.outbox[1].attachments[0][1]  # the same event, updated
    ics = client.get(f"/comite/reunions/{meeting.pk}/agenda.ics")
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")


def test_demo_committee(bodies, users):
    from committee.demo import create_demo_committee
    from committee.models import Member

    assert create_demo_committee(bodies, today=date(2026, 6, 1)) == 4
    assert create_demo_committee(bodies, today=date(2026, 6, 1)) == 0
    assert Member.objects.get(is_secretary=True).user == users["comite"]


def test_the_meetings_list_pages_through_every_meeting_with_the_same_queries(
    client, users, members, django_assert_num_queries
):
    """50 a page, newest first, with the previous and the next page: none left out past 100."""
    from django.urls import reverse

    first = datetime(2000, 1, 10, 9, tzinfo=UTC)
    Meeting.objects.bulk_create(Meeting(starts_at=first + timedelta(days=30 * n)) for n in range(120))
    newest_first = list(Meeting.objects.order_by("-starts_at").values_list("pk", flat=True))
    client.force_login(users["comite"])
    url = reverse("committee:meetings")

    def listed(html: str) -> list[int]:
        return [int(pk) for pk in re.findall(r'<th scope="row"><a href="/comite/reunions/(\d+)/"', html)]

    # session, user, scope, member (twice), the requests counted (none to read); the meetings
    # counted, then read
    assert_paged(client, url, "page", listed, newest_first, lambda: django_assert_num_queries(8))


def test_the_requests_for_an_extraordinary_meeting_page_apart_from_the_meetings(
    client, users, members, django_assert_num_queries
):
    """50 requests a page, newest first, with their own page number: none left out past 50,
    and each list's pager keeps the other list's page."""
    from django.urls import reverse

    from committee.models import MeetingRequest

    first = datetime(2000, 1, 10, 9, tzinfo=UTC)
    Meeting.objects.bulk_create(Meeting(starts_at=first + timedelta(days=30 * n)) for n in range(60))
    MeetingRequest.objects.bulk_create(
        MeetingRequest(member=members["city"], reason=f"Demande {n}", requested_at=first + timedelta(days=n))
        for n in range(120)
    )
    newest_first = list(MeetingRequest.objects.order_by("-requested_at").values_list("pk", flat=True))
    client.force_login(users["comite"])
    url = reverse("committee:meetings")

    def asked(html: str) -> list[int]:
        return [int(pk) for pk in re.findall(r'href="/comite/reunions/demandes/(\d+)/"', html)]

    # session, user, scope, member (twice); the requests counted, then read; the meetings too
    assert_paged(
        client,
        url,
        "requests_page",
        asked,
        newest_first,
        lambda: django_assert_num_queries(9),
        params={"page": "2"},
    )
    html = client.get(url, {"requests_page": "2", "page": "2"}).content.decode()
    assert 'href="?requests_page=1&amp;page=2"' in html and 'href="?requests_page=3&amp;page=2"' in html
    assert 'href="?requests_page=2&amp;page=1"' in html, "the meetings' pager keeps the requests' page"


def test_the_quarterly_packs_page_through_every_pack_with_the_same_queries(
    client, users, members, django_assert_num_queries
):
    """50 a page, the newest quarter first: none left out past 40 (the list stopped there)."""
    from django.urls import reverse

    from committee.models import QuarterlyPack

    QuarterlyPack.objects.bulk_create(
        QuarterlyPack(year=2000 + n // 4, quarter=n % 4 + 1, requested_by=users["comite"]) for n in range(120)
    )
    newest_first = list(QuarterlyPack.objects.order_by("-year", "-quarter").values_list("pk", flat=True))
    client.force_login(users["comite"])

    def listed(html: str) -> list[int]:
        return [int(pk) for pk in re.findall(r'<th scope="row"><a href="/comite/dossiers/(\d+)/"', html)]

    # session, user, scope; the packs counted, then read with who asked for them
    assert_paged(
        client, reverse("committee:packs"), "page", listed, newest_first, lambda: django_assert_num_queries(5)
    )
