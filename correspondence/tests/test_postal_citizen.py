"""A citizen who gave only a postal address can follow their request: the letter prints a
tracking code (and the centre's phone) that the public tracking page accepts. The letter
names the data-protection rights (RGPD art. 13) and signs by delegation."""

from __future__ import annotations

import re
import subprocess

import pytest
from django.urls import reverse

from correspondence.branding import delegation_lines
from correspondence.models import Message
from portal import links
from portal.selectors import find_for_citizen

pytestmark = pytest.mark.django_db


def pdf_text(path) -> str:
    """The letter's text, lines joined (narrow no-break spaces kept)."""
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"[ \t\n\f]+", " ", text)


@pytest.fixture
def postal_fiche(make_fiche, requester_factory, committed):
    with committed():
        return make_fiche("ECL-LAMP", requester=requester_factory("letter", email="", phone=""))


def test_the_letter_prints_the_tracking_code_and_the_phone(postal_fiche):
    letter = Message.objects.get(fiche=postal_fiche)
    code = links.tracking_code(postal_fiche.reference)
    text = pdf_text(letter.pdf.path)
    assert letter.channel == "letter"
    assert code in text and "3013" in text
    assert f"le code de suivi {code}, ou en appelant Allô Mairie au 3013" in text
    assert "adresse électronique ou le numéro de téléphone" not in text


def test_the_letter_names_the_rgpd_rights_and_signs_by_delegation(postal_fiche):
    text = pdf_text(Message.objects.get(fiche=postal_fiche).pdf.path)
    assert re.search(r"RGPD, art\.\s13\)", text), text
    for right in ("droit d'accès", "rectification", "effacement", "limitation", "opposition", "CNIL"):
        assert right in text
    assert "dpo@marseille.fr" in text
    assert "et par délégation," in text


@pytest.mark.parametrize(
    ("title", "lines"),
    [
        (
            "Pour le Maire, l'Adjoint délégué à la relation citoyenne",
            ("Pour le Maire et par délégation,", "l'Adjoint délégué à la relation citoyenne"),
        ),
        (
            "Pour la Présidente et par délégation, le Vice-Président",
            ("Pour la Présidente et par délégation,", "le Vice-Président"),
        ),
        ("Le Maire de Marseille", ("Le Maire de Marseille", "")),
    ],
)
def test_signature_blocks_read_the_same_way(title, lines):
    assert delegation_lines(title) == lines


def test_the_tracking_code_opens_the_tracking_page(client, postal_fiche):
    code = links.tracking_code(postal_fiche.reference)
    assert find_for_citizen(postal_fiche.reference, code) == postal_fiche
    assert find_for_citizen(postal_fiche.reference, code.lower().replace("-", " ")) == postal_fiche
    response = client.post(reverse("portal:track"), {"reference": postal_fiche.reference, "contact": code})
    assert response.status_code == 302 and "/suivre/" in response["Location"]


def test_a_wrong_or_another_fiches_code_is_refused(make_fiche, postal_fiche, client):
    other = make_fiche("VOI-NID")
    assert find_for_citizen(postal_fiche.reference, links.tracking_code(other.reference)) is None
    assert find_for_citizen(postal_fiche.reference, "ABCD-EFGH") is None
    response = client.post(
        reverse("portal:track"), {"reference": postal_fiche.reference, "contact": "ABCD-EFGH"}
    )
    assert response.status_code == 200 and 'id="track-error"' in response.content.decode()


def test_codes_are_never_mistaken_for_e_mails_or_phones():
    assert links.is_tracking_code("K7QM-2XHD") and links.is_tracking_code("k7qm2xhd")
    assert not links.is_tracking_code("abcd@ef.gh")
    assert not links.is_tracking_code("06 12 34 56 78")
    assert not links.is_tracking_code("0612-3456")  # 0 and 1 are not in codes
    code = links.tracking_code("AM-2026-000001")
    assert links.is_tracking_code(code) and code != links.tracking_code("AM-2026-000002")
