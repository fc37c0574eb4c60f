"""Hostile values are refused in one place (NUL bytes, oversized bodies) or ignored by the
shared parsers, with a 4xx and never a server error."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.forms import BoundedDateField
from core.parsing import MAX_SMALL, parse_float, parse_id, parse_int, parse_moment


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", 12), (" 7 ", 7), ("0", 0), ("²", None), ("9" * 30, None), ("-3", None), ("", None), (None, None)],
)
def test_parse_int_takes_only_ascii_digits_within_bounds(value, expected):
    assert parse_int(value) == expected


def test_parse_int_bounds_and_default():
    assert parse_int("-3", minimum=-5) == -3
    assert parse_int(str(MAX_SMALL + 1), 4, maximum=MAX_SMALL) == 4
    assert parse_id("0") is None and parse_id(str(2**63)) is None and parse_id(str(2**63 - 1)) == 2**63 - 1


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e400", "abc", "", None])
def test_parse_float_refuses_what_is_not_a_finite_number(value):
    assert parse_float(value) is None


def test_parse_float_bounds():
    assert parse_float("43.3") == 43.3
    assert parse_float("91", minimum=-90, maximum=90) is None


@pytest.mark.parametrize("value", ["2026-02-30T10:00", "9999-12-31T10:00", "0001-01-01T00:00", "demain", ""])
def test_parse_moment_refuses_impossible_or_far_moments(value):
    assert parse_moment(value) is None


def test_parse_moment_is_aware():
    moment = parse_moment("2026-01-05T10:00")
    assert timezone.is_aware(moment) and timezone.localtime(moment).hour == 10


def test_bounded_date_field_says_which_years_in_french():
    field = BoundedDateField()
    assert field.clean("2026-03-01") == date(2026, 3, 1)
    with pytest.raises(ValidationError, match="entre les années 2000 et 2099"):
        field.clean("9999-12-31")


@pytest.mark.parametrize(
    "url",
    ["/fiches/recherche/?reference=AM%00", "/fiches/AM-2026-%00/", "/suivre/?x=%00", "/nomenclature/?q%00=1"],
)
def test_nul_in_the_url_is_a_400_for_everyone(client, users, url):
    assert client.get(url).status_code == 400
    client.force_login(users["agent"])
    assert client.get(url).status_code == 400


def test_nul_in_a_form_field_is_a_400(client, users):
    assert client.post("/suivre/", {"reference": "AM\x00", "contact": "a@b.fr"}).status_code == 400
    client.force_login(users["agent"])
    response = client.post("/fiches/nouvelle/appelants/", {"caller_query": "Dur\x00and"})
    assert response.status_code == 400


def test_nul_in_an_uploaded_file_is_not_refused_by_the_middleware(client, users):
    client.force_login(users["superviseur"])
    upload = SimpleUploadedFile("queue_log", b"\x00\x01binary", content_type="application/octet-stream")
    response = client.post("/telephonie/import/", {"file": upload, "file_format": "file"})
    assert response.status_code != 400


def test_a_form_body_over_the_limit_is_a_400(client, users, catalogue_types, settings):
    """A 10 MB description: the body is refused before any view reads it."""
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    client.force_login(users["agent"])
    data = {"request_type": "VOI-NID", "anonymous": "on", "description": "x" * 10_000_000}
    assert client.post("/fiches/nouvelle/", data).status_code == 400


def test_a_description_over_its_maximum_length_keeps_the_form_with_a_french_message(
    client, users, catalogue_types
):
    client.force_login(users["agent"])
    data = {
        "channel": "phone",
        "request_type": "VOI-NID",
        "anonymous": "on",
        "preferred_channel": "email",
        "street_name": "rue Paradis",
        "description": "x" * 4001,
    }
    response = client.post("/fiches/nouvelle/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "au plus 4000 caractères" in page and "rue Paradis" in page
