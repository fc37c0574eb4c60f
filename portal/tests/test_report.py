"""The citizens' online form: checks, photos without metadata, rate limits, honeypot, moderation."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from fiches.models import Attachment, Fiche
from portal import submissions
from portal.models import WebSubmission
from portal.photos import clean

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _public_types(catalogue_types):
    """The nomenclature opens every type to the public channel but the information one
    (HYG-ANIMAL stays phone-only)."""
    from catalogue.models import RequestTypeVersion

    RequestTypeVersion.objects.exclude(request_type__code="INF-ETATCIVIL").update(public_channel=True)


FORM = {
    "request_type": "VOI-NID",
    "description": "Un trou profond devant la boulangerie",
    "street_number": "14",
    "street_name": "boulevard Longchamp",
    "postal_code": "13001",
    "last_name": "Martin",
    "first_name": "Léa",
    "email": "lea.martin@example.org",
    "phone": "",
    "preferred_channel": "email",
    "consent": "on",
}


def photo(gps: bool = True, size=(2400, 1800), fmt="JPEG") -> bytes:
    image = Image.new("RGB", size, "orange")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    if gps:
        exif[0x8825] = {1: "N", 2: (43.0, 18.0, 3.0), 3: "E", 4: (5.0, 23.0, 42.0)}
    out = io.BytesIO()
    image.save(out, fmt, exif=exif)
    return out.getvalue()


def post(client, data=None, files=(), ip="203.0.113.5"):
    payload = {**FORM, **(data or {})}
    if files:
        payload["photos"] = [SimpleUploadedFile(f"p{n}.jpg", content) for n, content in enumerate(files)]
    return client.post(reverse("report:form"), payload, REMOTE_ADDR=ip)


def test_a_citizen_reports_a_problem_and_gets_the_reference_and_an_acknowledgement(
    client, catalogue_types, users, committed
):
    with committed():
        response = post(client, files=[photo()])
    assert response.status_code == 302
    fiche = Fiche.objects.get()
    assert (fiche.channel, fiche.request_type.code, fiche.body.short_name) == (
        "web",
        "VOI-NID",
        fiche.request_type.body.short_name,
    )
    assert fiche.requester.email == "lea.martin@example.org" and fiche.status == "transmitted"
    assert (
        fiche.entered_by.username == submissions.WEB_USERNAME and not fiche.entered_by.has_usable_password()
    )
    assert fiche.latitude is None  # the photo's location is dropped unless the citizen agrees
    page = client.get(response["Location"]).content.decode()
    assert fiche.reference in page and reverse("portal:status", args=["x"])[:-2] in page
    assert any(fiche.reference in message.body for message in mail.outbox)
    stored = Attachment.objects.get(fiche=fiche)
    with stored.file.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        assert dict(image.getexif()) == {} and max(image.size) == 1600


def test_the_photo_location_is_used_only_when_the_citizen_agrees(client, catalogue_types):
    post(client, {"street_name": "", "street_number": "", "use_photo_location": "on"}, files=[photo()])
    fiche = Fiche.objects.get()
    assert (fiche.latitude, fiche.longitude) == (43.300833, 5.395)


def test_bad_input_is_refused_with_what_was_typed_kept(client, catalogue_types):
    response = post(
        client, {"postal_code": "75001", "preferred_channel": "sms", "consent": ""}, files=[b"<html>"]
    )
    page = response.content.decode()
    assert response.status_code == 200 and not Fiche.objects.exists()
    assert "13001 à 13016" in page and "Un trou profond devant la boulangerie" in page
    assert 'value="Martin"' in page and "SMS" in page
    response = post(client, {"phone": "04 91 00 00 00", "preferred_channel": "sms"})
    assert "06 ou 07" in response.content.decode() and not Fiche.objects.exists()
    response = post(client, files=[b"GIF89a not a photo"])
    assert "JPEG, PNG" in response.content.decode() and not Fiche.objects.exists()
    response = post(client, files=[photo(), photo(), photo(), photo()])
    assert "Trois photos au plus" in response.content.decode()


def test_phone_only_and_information_types_are_not_offered_online(client, catalogue_types):
    page = client.get(reverse("report:form")).content.decode()
    assert "VOI-NID" in page and "HYG-ANIMAL" not in page and "INF-ETATCIVIL" not in page
    response = post(client, {"request_type": "HYG-ANIMAL"})
    assert response.status_code == 200 and not Fiche.objects.exists()


def test_the_honeypot_and_the_rate_limits(client, catalogue_types, settings):
    assert post(client, {"website": "http://spam.example"}).status_code == 302
    assert not Fiche.objects.exists() and not WebSubmission.objects.exists()
    settings.PORTAL_SUBMISSIONS_PER_IP = 2
    for n in range(2):
        assert post(client, {"email": f"p{n}@example.org"}).status_code == 302
    assert post(client, {"email": "p9@example.org"}).status_code == 429
    assert post(client, {"email": "p9@example.org"}, ip="198.51.100.7").status_code == 302
    settings.PORTAL_SUBMISSIONS_PER_CONTACT = 1
    assert post(client, {"email": "p9@example.org"}, ip="198.51.100.8").status_code == 429
    assert Fiche.objects.count() == 3


def test_abuse_is_held_for_moderation_then_accepted_or_rejected(client, catalogue_types, users):
    post(client, {"description": "Ce connard de voisin a encore tout laissé"}, files=[photo()])
    post(
        client,
        {"description": "Gagnez au casino sur http://a.example et www.b.example", "email": "x@example.org"},
    )
    assert not Fiche.objects.exists() and WebSubmission.objects.filter(status="pending").count() == 2
    first, second = WebSubmission.objects.order_by("pk")
    assert len(first.photos()) == 1
    client.force_login(users["cellule-voirie"])
    assert client.get(reverse("report:moderation")).status_code == 403
    client.force_login(users["agent"])
    page = client.get(reverse("report:moderation")).content.decode()
    assert "Ce connard de voisin" in page
    client.post(reverse("report:moderation"), {"submission": first.pk, "decision": "accept"})
    fiche = Fiche.objects.get()
    assert fiche.channel == "web" and fiche.attachments.count() == 1
    client.post(reverse("report:moderation"), {"submission": second.pk, "decision": "reject"})
    second.refresh_from_db()
    assert second.status == "rejected" and second.data == {} and not second.photos()
    first.refresh_from_db()
    assert first.fiche == fiche and not first.photos()
    # a decision taken twice does nothing more
    client.post(reverse("report:moderation"), {"submission": first.pk, "decision": "accept"})
    assert Fiche.objects.count() == 1


def test_clean_photo_refuses_bombs_and_other_formats():
    from portal.photos import PhotoError

    with pytest.raises(PhotoError):
        clean(b"\x89PNG\r\n\x1a\n broken")
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    with pytest.raises(PhotoError):
        clean(gif.getvalue())
    png = clean(photo(gps=False, size=(300, 200), fmt="PNG"))
    assert png.content_type == "image/png" and png.latitude is None


@pytest.fixture
def addresses(db):
    from django.core.management import call_command

    from places.tests.test_places import FIXTURE

    call_command("import_addresses", str(FIXTURE), stdout=io.StringIO(), stderr=io.StringIO())


def test_the_public_address_search_lists_addresses_without_logging_in(client, addresses, settings):
    settings.PORTAL_ADDRESS_SEARCHES_PER_IP = 3
    page = client.get(
        reverse("report:addresses"), {"address_query": "14 bd longchamp"}, REMOTE_ADDR="203.0.113.9"
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-street="Boulevard Longchamp"' in html and 'data-lat="43.30158"' in html
    for _ in range(2):
        client.get(reverse("report:addresses"), {"address_query": "longchamp"}, REMOTE_ADDR="203.0.113.9")
    limited = client.get(
        reverse("report:addresses"), {"address_query": "longchamp"}, REMOTE_ADDR="203.0.113.9"
    )
    assert limited.status_code == 429 and not limited.content
    other = client.get(
        reverse("report:addresses"), {"address_query": "longchamp"}, REMOTE_ADDR="203.0.113.10"
    )
    assert other.status_code == 200
    assert client.post(reverse("report:addresses"), {"address_query": "x"}).status_code == 405


def test_a_picked_address_gives_the_web_fiche_its_point_a_retyped_one_does_not(
    client, users, addresses, committed
):
    from places.models import Address

    picked = Address.objects.get(street__name="Boulevard Longchamp", number=14, repetition="")
    chosen = {"street_name": "Boulevard Longchamp", "address_id": str(picked.pk)}
    with committed():
        assert post(client, chosen).status_code == 302
        assert post(client, {**chosen, "street_number": "16"}, ip="203.0.113.6").status_code == 302
        assert post(client, ip="203.0.113.7").status_code == 302
    first, retyped, typed = Fiche.objects.order_by("pk")
    assert (first.latitude, first.longitude, first.address_verified) == (43.30158, 5.38708, True)
    assert first.street_name == "Boulevard Longchamp" and first.postal_code == "13001"
    for fiche in (retyped, typed):
        assert (fiche.latitude, fiche.longitude, fiche.address_verified) == (None, None, False)


def test_moderation_says_how_many_wait_past_the_first_fifty(client, users, django_assert_max_num_queries):
    WebSubmission.objects.bulk_create(
        WebSubmission(reason="insulte", data={"description": f"Demande {n}"}) for n in range(53)
    )
    client.force_login(users["agent"])
    client.get(reverse("report:moderation"))  # the session renewed once
    with django_assert_max_num_queries(6):
        page = client.get(reverse("report:moderation")).content.decode()
    assert page.count('name="submission"') == 50 and "Demande 0<" in page and "Demande 50<" not in page
    assert "53 demandes en attente\u202f; les 50 plus anciennes sont affichées" in page
    WebSubmission.objects.filter(pk__in=WebSubmission.objects.order_by("pk")[:10].values("pk")).delete()
    page = client.get(reverse("report:moderation")).content.decode()
    assert page.count('name="submission"') == 43 and "en attente\u202f;" not in page
