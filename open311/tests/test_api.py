"""Every GeoReport v2 method in XML and JSON, against the specification's examples."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from fiches.models import Channel, Fiche
from open311.models import ApiRequestLog, Submission
from open311.tests.conftest import BASE

pytestmark = pytest.mark.django_db


def xml(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 (our own answer, not untrusted input)


def js(response):
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


@pytest.mark.parametrize("path", ["/open311/discovery", "/open311/v2/discovery"])
def test_discovery_in_both_formats(client, public_types, path):
    data = js(client.get(f"{path}.json"))
    assert set(data) == {"changeset", "contact", "key_service", "endpoints"}
    endpoint = data["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert endpoint["type"] in ("production", "test")
    root = xml(client.get(f"{path}.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == [
        "text/xml",
        "application/json",
    ]
    assert root.findtext("changeset").endswith("Z")


def test_service_list_lists_public_types_only(client, public_types):
    data = js(client.get(f"{BASE}/services.json"))
    codes = [s["service_code"] for s in data]
    assert "HYG-ANIMAL" not in codes  # phone only
    assert {"VOI-NID", "PRO-DEPOT", "ECL-LAMP"} <= set(codes)
    dumping = next(s for s in data if s["service_code"] == "PRO-DEPOT")
    assert dumping == {
        "service_code": "PRO-DEPOT",
        "service_name": "Dépôt sauvage",
        "description": "Dépôt sauvage",
        "metadata": False,
        "type": "realtime",
        "keywords": "ordures,détritus,encombrants",
        "group": "Nettoiement",
    }
    lamp = next(s for s in data if s["service_code"] == "ECL-LAMP")
    assert lamp["metadata"] is True
    root = xml(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    service = root.find("service[service_code='ECL-LAMP']")
    assert service.findtext("metadata") == "true"
    assert service.findtext("type") == "realtime"


def test_a_type_closed_to_the_public_channel_is_not_offered(client, public_types):
    from catalogue.models import RequestTypeVersion

    RequestTypeVersion.objects.filter(request_type__code="VOI-NID").update(public_channel=False)
    assert "VOI-NID" not in [s["service_code"] for s in js(client.get(f"{BASE}/services.json"))]
    response = client.get(f"{BASE}/services/VOI-NID.json")
    assert response.status_code == 404
    assert js(response)[0]["code"] == 404


def test_service_definition_from_the_extra_questions(client, public_types):
    data = js(client.get(f"{BASE}/services/ECL-LAMP.json"))
    assert data["service_code"] == "ECL-LAMP"
    (attribute,) = data["attributes"]
    assert attribute["variable"] is True
    assert attribute["code"] == "lamp"
    assert attribute["datatype"] == "string"
    assert attribute["required"] is False
    assert attribute["order"] == 1
    assert attribute["description"] == "Numéro du lampadaire"
    assert attribute["datatype_description"]
    root = xml(client.get(f"{BASE}/services/ECL-LAMP.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("attributes/attribute/code") == "lamp"
    assert root.findtext("attributes/attribute/variable") == "true"
    assert root.findtext("attributes/attribute/required") == "false"
    # no extra question: 200 with an empty list
    assert js(client.get(f"{BASE}/services/VOI-NID.json"))["attributes"] == []


def test_unknown_service_definition_is_404_in_both_formats(client, public_types):
    response = client.get(f"{BASE}/services/NOPE.xml")
    assert response.status_code == 404
    root = xml(response)
    assert root.tag == "errors"
    assert root.findtext("error/code") == "404"
    assert "NOPE" in root.findtext("error/description")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_request_creates_a_fiche_through_the_single_door(
    post, fmt, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            fmt,
            service_code="PRO-DEPOT",
            description="Un canapé sur le trottoir",
            email="jean.martin@example.org",
            first_name="Jean",
            last_name="Martin",
            phone="06 11 22 33 44",
            address_string="24 bis rue de Rome, 13006 Marseille",
            device_id="abc",
            media_url="https://example.org/photo.jpg",
        )
    assert response.status_code == 200, response.content
    if fmt == "json":
        (row,) = js(response)
        reference = row["service_request_id"]
        assert "token" not in row
        assert reference in row["service_notice"]
    else:
        root = xml(response)
        assert root.tag == "service_requests"
        reference = root.findtext("request/service_request_id")
    fiche = Fiche.objects.get(reference=reference)
    assert fiche.channel == Channel.WEB
    assert fiche.entered_by == users["agent"]
    assert fiche.status == "transmitted"  # routed and transmitted like any fiche
    assert fiche.cell.directorate.code == "amp-proprete"
    assert fiche.due_at is not None
    assert (fiche.street_number, fiche.street_name, fiche.postal_code) == ("24 bis", "rue de Rome", "13006")
    assert fiche.arrondissement == 6
    assert fiche.latitude == pytest.approx(43.2965)
    assert fiche.requester.last_name == "Martin"
    assert fiche.requester.email == "jean.martin@example.org"
    submission = Submission.objects.get(fiche=fiche)
    assert submission.media_urls == ["https://example.org/photo.jpg"]
    assert submission.device_id == "abc"
    # the acknowledgement went out like for any fiche (correspondence listens to the door)
    from django.core import mail

    assert any(reference in m.body or reference in m.subject for m in mail.outbox)
    log = ApiRequestLog.objects.get()
    assert (log.method, log.http_method, log.status, log.client.name) == (
        "post_request",
        "POST",
        200,
        "FixMyStreet",
    )


def test_post_with_address_string_only_and_attributes(post):
    response = post(
        service_code="ECL-LAMP",
        lat=None,
        long=None,
        address_string="rue Paradis",
        last_name="Martin",
        email="jean@example.org",
        **{"attribute[lamp]": "L-42", "attribute[unknown][]": ["a", "b"]},
    )
    assert response.status_code == 200, response.content
    fiche = Fiche.objects.get(reference=js(response)[0]["service_request_id"])
    assert fiche.answers == {"lamp": "L-42"}
    assert fiche.street_name == "rue Paradis"
    assert fiche.latitude is None
    assert fiche.open311.extra_attributes == {"unknown": ["a", "b"]}


def test_required_attribute_missing_names_its_code(post, catalogue_types):
    from catalogue.models import RequestTypeVersion

    RequestTypeVersion.objects.filter(request_type__code="ECL-LAMP").update(
        questions=[{"key": "lamp", "label": "Numéro", "required": True}]
    )
    response = post("xml", service_code="ECL-LAMP", last_name="Martin", email="j@example.org")
    assert response.status_code == 400
    root = xml(response)
    assert "attribute[lamp]" in root.findtext("error/description")
    assert not Fiche.objects.exists()


def test_multivalued_attribute_values_are_joined(post, catalogue_types):
    response = post(
        service_code="ECL-LAMP", last_name="M", email="m@example.org", **{"attribute[lamp][]": ["A", "B"]}
    )
    assert response.status_code == 200, response.content
    assert Fiche.objects.get().answers == {"lamp": "A, B"}


@pytest.mark.parametrize(
    ("fields", "status", "text"),
    [
        ({"api_key": None}, 403, "api_key"),
        ({"api_key": "wrong"}, 403, "api_key"),
        ({"service_code": None}, 400, "service_code"),
        ({"service_code": "NOPE"}, 404, "NOPE"),
        ({"service_code": "HYG-ANIMAL"}, 404, "HYG-ANIMAL"),
        ({"lat": None, "long": None}, 400, "location"),
        ({"lat": "43.3", "long": None}, 400, "lat"),
        ({"lat": "inf", "long": "5"}, 400, "lat"),
        ({"lat": None, "long": None, "address_id": "123"}, 400, "address_id"),
        ({"jurisdiction_id": "paris.fr"}, 404, "paris.fr"),
        ({"description": "x" * 4001}, 400, "4000"),
        ({"email": "not-an-address", "last_name": "M"}, 400, "email"),
        ({"email": "a@example.org"}, 400, "last_name"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
    ],
)
def test_post_errors_in_the_spec_form(post, fields, status, text):
    data = {"service_code": "PRO-DEPOT", **fields}
    response = post("json", **data)
    assert response.status_code == status
    errors = js(response)
    assert errors[0]["code"] == status
    assert text in errors[0]["description"], errors
    assert not Fiche.objects.exists()


def test_a_type_needing_identity_refuses_an_anonymous_post(post):
    response = post(service_code="VOI-NID")
    assert response.status_code == 400
    assert "last_name" in js(response)[0]["description"]


def test_api_key_and_jurisdiction_in_the_query_string(client, api_key, public_types):
    response = client.post(
        f"{BASE}/requests.json?api_key={api_key}&jurisdiction_id=marseille.fr",
        {"service_code": "PRO-DEPOT", "lat": "43.3", "long": "5.4"},
    )
    assert response.status_code == 200, response.content


def test_revoked_key_is_refused(post, api_key):
    from open311.models import ApiClient

    ApiClient.objects.update(revoked_at=timezone.now())
    response = post(service_code="PRO-DEPOT")
    assert response.status_code == 403


def test_rate_limit_per_key(post):
    from open311.models import ApiClient

    ApiClient.objects.update(requests_per_minute=2)
    assert post(service_code="PRO-DEPOT").status_code == 200
    assert post(service_code="PRO-DEPOT").status_code == 200
    response = post(service_code="PRO-DEPOT")
    assert response.status_code == 429
    assert js(response)[0]["code"] == 429
    assert Fiche.objects.count() == 2
    assert list(ApiRequestLog.objects.order_by("id").values_list("status", flat=True)) == [200, 200, 429]


def test_media_upload_multipart(post, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    response = post(
        "xml",
        service_code="PRO-DEPOT",
        files={"media": SimpleUploadedFile("photo.png", png, content_type="image/png")},
    )
    assert response.status_code == 200, response.content
    assert Fiche.objects.get().attachments.count() == 1
    bad = post("xml", service_code="PRO-DEPOT", files={"media": SimpleUploadedFile("x.png", b"<html>")})
    assert bad.status_code == 400
    assert Fiche.objects.count() == 1


def test_tokens_answer_404(client, public_types):
    response = client.get(f"{BASE}/tokens/123.xml")
    assert response.status_code == 404
    assert xml(response).findtext("error/code") == "404"
    assert js(client.get(f"{BASE}/tokens/123.json"))[0]["code"] == 404


def test_wrong_method_is_405_in_the_spec_form(client, public_types):
    response = client.post(f"{BASE}/services.json")
    assert response.status_code == 405
    assert js(response)[0]["code"] == 405


@pytest.fixture
def filed(make_fiche, public_types):
    """Three fiches: a dumping (open), a pothole (closed), a lamp (older, open)."""
    from fiches.services import transition

    now = timezone.now()
    dumping = make_fiche(
        "PRO-DEPOT", description="Matelas devant chez M. Durand", latitude=43.3, longitude=5.4
    )
    pothole = make_fiche("VOI-NID", created_at=now - timedelta(days=2))
    return {"dumping": dumping, "pothole": pothole, "transition": transition, "now": now}


def test_get_requests_in_both_formats(client, filed):
    data = js(client.get(f"{BASE}/requests.json"))
    assert [r["service_request_id"] for r in data] == [filed["dumping"].reference, filed["pothole"].reference]
    row = data[0]
    assert set(row) == {
        "service_request_id",
        "status",
        "status_notes",
        "service_name",
        "service_code",
        "description",
        "agency_responsible",
        "service_notice",
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
        "address",
        "address_id",
        "zipcode",
        "lat",
        "long",
        "media_url",
    }
    assert row["status"] == "open"
    assert row["service_code"] == "PRO-DEPOT"
    assert row["zipcode"] == "13001"
    assert row["lat"] == 43.3 and row["long"] == 5.4
    assert row["requested_datetime"].endswith("Z") and len(row["requested_datetime"]) == 20
    root = xml(client.get(f"{BASE}/requests.xml"))
    assert root.tag == "service_requests"
    assert len(root.findall("request")) == 2
    assert root.findtext("request/status") == "open"


def test_get_requests_empty_is_an_empty_list(client, public_types):
    assert js(client.get(f"{BASE}/requests.json")) == []
    root = xml(client.get(f"{BASE}/requests.xml"))
    assert root.tag == "service_requests" and len(root) == 0


def test_get_requests_filters(client, filed, users):
    dumping, pothole = filed["dumping"], filed["pothole"]
    filed["transition"](pothole, "acknowledge", users["cellule-voirie"])
    filed["transition"](pothole, "resolve", users["cellule-voirie"], outcome="Rebouché")

    def refs(**query):
        from urllib.parse import urlencode

        response = client.get(f"{BASE}/requests.json?{urlencode(query, doseq=True)}")
        assert response.status_code == 200, response.content
        return [r["service_request_id"] for r in js(response)]

    assert refs(status="closed") == [pothole.reference]
    assert refs(status="open") == [dumping.reference]
    assert (
        refs(status="open,closed")
        == refs(status=["open", "closed"])
        == [dumping.reference, pothole.reference]
    )
    assert refs(service_code="VOI-NID") == [pothole.reference]
    assert refs(service_code="VOI-NID,PRO-DEPOT") == [dumping.reference, pothole.reference]
    day = (filed["now"] - timedelta(days=1)).astimezone(UTC)
    assert refs(start_date=day.strftime("%Y-%m-%dT%H:%M:%SZ")) == [dumping.reference]
    assert refs(end_date=day.strftime("%Y-%m-%dT%H:%M:%S+00:00")) == [pothole.reference]
    assert refs(end_date=day.strftime("%Y-%m-%dT%H:%M:%S.123 00:00")) == [pothole.reference]  # "+" unescaped
    # service_request_id overrides every other filter
    assert refs(service_request_id=f"{pothole.reference},{dumping.reference}", status="open") == [
        dumping.reference,
        pothole.reference,
    ]
    # empty optional parameters behave as absent
    assert refs(status="", service_code="", start_date="") == [dumping.reference, pothole.reference]
    # paging
    assert refs(page_size=1) == [dumping.reference]
    assert refs(page_size=1, page=2) == [pothole.reference]
    response = client.get(f"{BASE}/requests.json?page_size=1")
    assert "page=2" in response["X-Next-Page-URL"]


@pytest.mark.parametrize(
    "query",
    [
        "status=maybe",
        "start_date=yesterday",
        "start_date=9999-01-01T00:00:00Z",
        "page_size=0",
        "page=²",
        "page_size=100000",
    ],
)
def test_get_requests_bad_parameters_are_400(client, public_types, query):
    response = client.get(f"{BASE}/requests.json?{query}")
    assert response.status_code == 400
    assert js(response)[0]["code"] == 400


def test_default_window_is_90_days(client, make_fiche, public_types):
    old = make_fiche("PRO-DEPOT", created_at=timezone.now() - timedelta(days=120))
    assert js(client.get(f"{BASE}/requests.json")) == []
    start = (timezone.now() - timedelta(days=200)).strftime("%Y-%m-%d")
    assert [r["service_request_id"] for r in js(client.get(f"{BASE}/requests.json?start_date={start}"))] == [
        old.reference
    ]


def test_get_one_request_is_a_list_of_one(client, filed):
    reference = filed["dumping"].reference
    data = js(client.get(f"{BASE}/requests/{reference}.json"))
    assert len(data) == 1 and data[0]["service_request_id"] == reference
    root = xml(client.get(f"{BASE}/requests/{reference}.xml"))
    assert root.findtext("request/service_request_id") == reference
    response = client.get(f"{BASE}/requests/AM-1999-000001.xml")
    assert response.status_code == 404
    assert xml(response).findtext("error/code") == "404"


def test_datetimes_accept_the_forms_clients_send():
    from open311.params import ParamError, parse_w3c

    expected = datetime(2026, 1, 31, 7, 0, tzinfo=UTC)
    for text in (
        "2026-01-31T07:00:00Z",
        "2026-01-31T08:00:00+01:00",
        "2026-01-31T08:00:00+0100",
        "2026-01-31T08:00:00 01:00",
        "2026-01-31T07:00:00.017Z",
        "2026-01-31T07:00",
    ):
        assert parse_w3c("start_date", text).replace(microsecond=0) == expected, text
    assert parse_w3c("start_date", "2026-01-31") == datetime(2026, 1, 31, tzinfo=UTC)
    for bad in ("31/01/2026", "2026-02-30", "2026-01-31T25:00:00Z", "9999-01-01"):
        with pytest.raises(ParamError):
            parse_w3c("start_date", bad)


def test_split_address():
    from open311.params import Address, split_address

    assert split_address("12 bis rue Paradis, 13001 Marseille") == Address("12 bis", "rue Paradis", "13001")
    assert split_address("Boulevard Baille 13005") == Address("", "Boulevard Baille", "13005")
    assert split_address("rue de Rome, Marseille 6e") == Address("", "rue de Rome", "")
    assert split_address("75001 Paris, 3 rue X") == Address("", "75001 Paris, 3 rue X", "")


def test_get_calls_are_logged_with_the_key_when_given(client, api_key, public_types):
    client.get(f"{BASE}/services.json")
    assert not ApiRequestLog.objects.exists()  # no key, nothing to count against
    client.get(f"{BASE}/services.json?api_key={api_key}")
    log = ApiRequestLog.objects.get()
    assert (log.method, log.http_method, log.status) == ("services", "GET", 200)


def test_cors_on_gets(client, public_types):
    assert client.get(f"{BASE}/services.json")["Access-Control-Allow-Origin"] == "*"


def test_unknown_format_is_404_in_xml(client, public_types):
    for path in ("/open311/discovery.html", f"{BASE}/services.html", f"{BASE}/requests.csv"):
        response = client.get(path)
        assert response.status_code == 404
        assert xml(response).findtext("error/code") == "404"


def test_service_codes_with_dots_reach_the_definition(client, public_types):
    assert client.get(f"{BASE}/services/VOI.NID.json").status_code == 404
    assert client.get(f"{BASE}/services/VOI-NID.json").status_code == 200
