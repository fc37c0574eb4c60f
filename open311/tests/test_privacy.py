"""Privacy by default: nothing personal, nothing internal, nothing unchecked leaves Open311."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from fiches.services import add_note, attach, set_publishable, transition
from open311.tests.conftest import BASE

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PRIVATE = ["Durand", "Alice", "alice.durand@example.org", "06 12 34 56 78", "Appeler le voisin"]


@pytest.fixture
def dumping(make_fiche, public_types, users):
    fiche = make_fiche("PRO-DEPOT", description="Matelas déposé par le voisin du 3e")
    attach(fiche, SimpleUploadedFile("photo.png", PNG), users["agent"])
    add_note(fiche, users["cellule-proprete"], "Appeler le voisin au 06 99 99 99 99", public=False)
    fiche.refresh_from_db()
    return fiche


def body(client, fmt: str = "json", reference: str | None = None) -> str:
    path = f"{BASE}/requests/{reference}.{fmt}" if reference else f"{BASE}/requests.{fmt}"
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_no_personal_data_no_internal_note_no_unchecked_content(client, dumping, fmt):
    for text in (body(client, fmt), body(client, fmt, dumping.reference)):
        for private in [*PRIVATE, "Matelas", "/media/"]:
            assert private not in text
    row = json.loads(body(client))[0]
    assert row["description"] is None
    assert row["media_url"] is None


def test_checked_fiche_of_a_publishable_type_shows_description_and_photo(client, dumping, users):
    set_publishable(dumping, users["cellule-proprete"], True)
    row = json.loads(body(client))[0]
    assert row["description"] == "Matelas déposé par le voisin du 3e"
    assert row["media_url"].startswith("http://testserver/open311/v2/media/")
    photo = client.get(row["media_url"])
    assert photo.status_code == 200
    assert photo["Content-Type"] == "image/png"
    assert b"".join(photo.streaming_content) == PNG
    text = body(client)
    for private in PRIVATE:
        assert private not in text
    # withdrawn: hidden again, and the photo is gone
    set_publishable(dumping, users["cellule-proprete"], False)
    assert json.loads(body(client))[0]["description"] is None
    assert client.get(row["media_url"]).status_code == 404


def test_a_type_not_publishable_never_shows_its_content(client, make_fiche, public_types, users):
    from catalogue.models import RequestTypeVersion

    fiche = make_fiche("VOI-NID", description="Devant chez Mme Durand")
    with pytest.raises(ValidationError):
        set_publishable(fiche, users["agent"], True)
    # even if the flag were set on the fiche, the type decides
    type(fiche).objects.filter(pk=fiche.pk).update(publishable=True)
    assert json.loads(body(client))[0]["description"] is None
    RequestTypeVersion.objects.filter(request_type__code="VOI-NID").update(publishable=True)
    assert json.loads(body(client))[0]["description"] == "Devant chez Mme Durand"


def test_status_notes_come_from_public_events_only(client, dumping, users):
    cell = users["cellule-proprete"]
    transition(dumping, "acknowledge", cell)
    transition(dumping, "wait", cell, comment="Attente du prestataire", public=True)
    add_note(dumping, cell, "Note interne sur M. Durand", public=False)
    row = json.loads(body(client))[0]
    assert row["status_notes"] == "Attente du prestataire"
    assert "interne" not in body(client)


def test_fiches_of_types_closed_to_the_public_channel_are_not_listed(client, make_fiche, catalogue_types):
    fiche = make_fiche("PRO-DEPOT")
    assert json.loads(body(client)) == []
    assert client.get(f"{BASE}/requests/{fiche.reference}.json").status_code == 404


def test_the_photo_of_a_fiche_not_checked_is_404(client, dumping):
    attachment = dumping.attachments.get()
    assert client.get(f"/open311/v2/media/{dumping.reference}/{attachment.pk}").status_code == 404


def test_publication_button_on_the_fiche_page(client, dumping, users):
    client.force_login(users["cellule-proprete"])
    page = client.get(f"/fiches/{dumping.reference}/")
    assert "Vérifiée\u202f: publiable" in page.content.decode()
    response = client.post(
        f"/fiches/{dumping.reference}/publication/",
        {"publishable": "on", "expected_version": dumping.lock_version},
    )
    assert response.status_code == 302
    dumping.refresh_from_db()
    assert dumping.publishable
    assert dumping.events.filter(kind="publication", public=False).exists()
    # a stale form is refused
    stale = client.post(f"/fiches/{dumping.reference}/publication/", {"expected_version": 0})
    assert stale.status_code == 409
    response = client.post(
        f"/fiches/{dumping.reference}/publication/", {"expected_version": dumping.lock_version}
    )
    assert response.status_code == 302
    dumping.refresh_from_db()
    assert not dumping.publishable


def test_a_metropole_cell_cannot_touch_a_city_fiche(client, make_fiche, public_types, users):
    from catalogue.models import RequestTypeVersion

    RequestTypeVersion.objects.filter(request_type__code="ECL-LAMP").update(publishable=True)
    lamp = make_fiche("ECL-LAMP")  # the City's lighting cell
    client.force_login(users["cellule-proprete"])  # a Métropole cell
    response = client.post(f"/fiches/{lamp.reference}/publication/", {"publishable": "on"})
    assert response.status_code == 404
    lamp.refresh_from_db()
    assert not lamp.publishable
    with pytest.raises(PermissionDenied):
        set_publishable(lamp, users["cellule-proprete"], True)


def test_committee_and_finance_cannot_publish(dumping, users):
    for username in ("comite", "finances"):
        with pytest.raises(PermissionDenied):
            set_publishable(dumping, users[username], True)
