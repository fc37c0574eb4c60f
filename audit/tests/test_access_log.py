"""The access log: each kind of access to personal data is recorded (who, when, which, from
which page), an administrator searches it page by page, and reading it is recorded too."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from audit import log_access
from audit.models import AccessKind, AccessRecord
from audit.services import PAGE_SIZE
from fiches.services import attach

PERSONAL = ["Durand", "DURAND", "Alice", "06 12 34 56 78", "alice.durand@example.org", "rue Paradis"]


def only_record() -> AccessRecord:
    (record,) = AccessRecord.objects.all()
    return record


def assert_no_personal_value(record: AccessRecord) -> None:
    stored = " ".join(str(v) for v in AccessRecord.objects.filter(pk=record.pk).values().get().values())
    for value in PERSONAL:
        assert value not in stored


def test_opening_a_fiche_with_personal_data_is_recorded(make_fiche, users, client):
    fiche = make_fiche("VOI-NID")
    client.force_login(users["agent"])
    assert client.get(f"/fiches/{fiche.reference}/?q=Durand").status_code == 200
    record = only_record()
    assert (record.user, record.kind, record.reference) == (users["agent"], AccessKind.FICHE, fiche.reference)
    assert record.page == f"/fiches/{fiche.reference}/"  # no query string: a search may hold a name
    assert record.object_model == "fiches.fiche" and record.object_pk == str(fiche.pk)
    assert_no_personal_value(record)


def test_an_anonymous_fiche_is_not_an_access_to_personal_data(make_fiche, users, client):
    fiche = make_fiche("PRO-DEPOT", requester=None)
    client.force_login(users["agent"])
    assert client.get(f"/fiches/{fiche.reference}/").status_code == 200
    assert not AccessRecord.objects.exists()


def test_opening_a_callers_record_is_recorded_with_the_page_it_was_opened_from(make_fiche, users, client):
    fiche = make_fiche("VOI-NID")
    client.force_login(users["agent"])
    response = client.get(
        f"/fiches/nouvelle/appelant/{fiche.requester_id}/",
        headers={"referer": "http://testserver/fiches/nouvelle/?telephone=0612345678"},
    )
    assert response.status_code == 200
    record = only_record()
    assert (record.kind, record.page, record.object_pk) == (
        AccessKind.CALLER,
        "/fiches/nouvelle/",
        str(fiche.requester_id),
    )
    assert record.label == f"Usager n° {fiche.requester_id}"
    assert_no_personal_value(record)


def test_downloading_an_attachment_is_recorded(make_fiche, users, client):
    fiche = make_fiche("VOI-NID")
    attachment = attach(fiche, SimpleUploadedFile("photo.png", PNG, content_type="image/png"), users["agent"])
    client.force_login(users["cellule-voirie"])
    page = f"http://testserver/fiches/{fiche.reference}/"
    response = client.get(f"/fiches/{fiche.reference}/piece/{attachment.pk}/", headers={"referer": page})
    assert response.status_code == 200
    record = AccessRecord.objects.get(kind=AccessKind.ATTACHMENT)
    assert (record.user, record.reference, record.page) == (
        users["cellule-voirie"],
        fiche.reference,
        f"/fiches/{fiche.reference}/",
    )


def test_opening_a_letter_and_a_batch_is_recorded(make_fiche, users, requester_factory, committed, client):
    from correspondence.models import Message
    from correspondence.services import build_batch

    with committed():
        fiche = make_fiche("ECL-LAMP", requester=requester_factory("letter"))
    letter = Message.objects.get(fiche=fiche)
    client.force_login(users["cellule-eclairage"])
    assert client.get(f"/courriers/lettres/{letter.pk}/pdf/").status_code == 200
    record = only_record()
    assert (record.kind, record.reference, record.page) == (
        AccessKind.LETTER,
        fiche.reference,
        f"/courriers/lettres/{letter.pk}/pdf/",  # opened directly: the file's own address
    )
    batch = build_batch()
    client.force_login(users["agent"])
    assert client.get(f"/courriers/lots/{batch.pk}/pdf/").status_code == 200
    assert AccessRecord.objects.filter(kind=AccessKind.LETTER_BATCH, object_pk=str(batch.pk)).exists()


def test_a_refused_access_is_not_recorded(make_fiche, users, client):
    fiche = make_fiche("ECL-LAMP")  # a City fiche
    client.force_login(users["cellule-voirie"])  # a Métropole cell
    assert client.get(f"/fiches/{fiche.reference}/").status_code == 404
    assert not AccessRecord.objects.exists()


def test_an_unknown_kind_is_a_programming_error(users):
    with pytest.raises(ValueError):
        log_access(users["agent"], "glance", None, "/")


def test_the_log_is_for_administrators_and_reading_it_is_recorded(users, client):
    for username in ("agent", "superviseur", "cellule-voirie", "comite", "finances"):
        client.force_login(users[username])
        assert client.get("/journal/acces/").status_code == 403, username
    client.force_login(users["admin"])
    response = client.get("/journal/acces/?user=agent&kind=fiche&reference=am-2026-000001")
    assert response.status_code == 200
    record = only_record()
    assert (record.user, record.kind) == (users["admin"], AccessKind.ACCESS_LOG)
    assert record.label == "user=agent kind=fiche reference=AM-2026-000001"


def test_the_log_is_searched_and_paginated_with_constant_queries(
    users, client, django_assert_max_num_queries
):
    now = timezone.now()
    AccessRecord.objects.bulk_create(
        AccessRecord(
            user=users["agent" if n % 2 else "agent2"],
            kind=AccessKind.FICHE,
            reference=f"AM-2026-{n:06d}",
            label=f"Fiche n° {n}",
            page="/fiches/",
            at=now - timedelta(minutes=n),
        )
        for n in range(1, 3 * PAGE_SIZE)
    )
    client.force_login(users["admin"])
    seen: list[str] = []
    url = "/journal/acces/?user=agent"
    for _page in range(3):
        with django_assert_max_num_queries(9):
            response = client.get(url)
        assert response.status_code == 200
        rows = response.context["rows"]
        assert {r.user.username for r in rows} <= {"agent"}
        seen += [r.reference for r in rows]
        last = response.context["last"]
        if last is None:
            break
        url = f"/journal/acces/?user=agent&avant={last.at.isoformat()}&id={last.pk}".replace("+", "%2B")
    expected = [f"AM-2026-{n:06d}" for n in range(1, 3 * PAGE_SIZE) if n % 2]
    assert seen == expected
    by_reference = client.get("/journal/acces/?reference=AM-2026-000004")
    assert [r.user.username for r in by_reference.context["rows"]] == ["agent2"]
    assert client.get("/journal/acces/?since=9999-12-31").status_code == 400


def test_purge_removes_what_is_past_its_retention_period(users, settings):
    settings.AUDIT_ACCESS_RETENTION_DAYS = 30
    old = log_access(users["agent"], AccessKind.FICHE, None, "/")
    AccessRecord.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=31))
    recent = log_access(users["agent"], AccessKind.FICHE, None, "/")
    out = StringIO()
    call_command("purge_access_log", stdout=out)
    assert list(AccessRecord.objects.values_list("pk", flat=True)) == [recent.pk]
    assert "1 access records older than 30 days deleted" in out.getvalue()
    call_command("purge_access_log", stdout=StringIO())  # idempotent
    assert AccessRecord.objects.count() == 1


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)
