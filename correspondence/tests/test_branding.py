import base64
import subprocess
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from correspondence.branding import letterhead_for
from correspondence.models import Message
from fiches.services import transition

pytestmark = pytest.mark.django_db


def pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def shipped_logo(name: str) -> str:
    """The shipped wordmark inlined: a letter's HTML carries its logos, not a server's path."""
    svg = finders.find(f"correspondence/logos/{name}.svg")
    return "data:image/svg+xml;base64," + base64.b64encode(Path(svg).read_bytes()).decode()


def test_operator_fiche_has_operator_alone(make_fiche, bodies):
    fiche = make_fiche("ECL-LAMP")
    signers = letterhead_for(fiche)
    assert [s.body for s in signers] == [bodies["city"]]
    assert signers[0].logo == shipped_logo("ville")


def test_partner_fiche_is_cobranded(make_fiche, bodies):
    fiche = make_fiche("VOI-NID")
    signers = letterhead_for(fiche)
    assert [s.body for s in signers] == [bodies["city"], bodies["metro"]]
    assert signers[1].logo == shipped_logo("metropole")
    assert signers[1].signatory_name == "La Présidente de la Métropole"


def test_rerouted_fiche_follows_new_competent_body(
    make_fiche, users, catalogue_types, bodies, committed, requester_factory
):
    fiche = make_fiche("VOI-NID", requester=requester_factory("letter"))
    assert len(letterhead_for(fiche)) == 2
    with committed():
        transition(
            fiche,
            "reroute",
            users["superviseur"],
            comment="Lampadaire, pas la voirie",
            new_type=catalogue_types["ECL-LAMP"],
        )
    fiche.refresh_from_db()
    assert [s.body for s in letterhead_for(fiche)] == [bodies["city"]]
    letter = Message.objects.get(fiche=fiche, moment="rerouted")
    assert letter.signer_ids == [bodies["city"].pk]
    text = pdf_text(letter.pdf.path)
    assert "Le Maire de Marseille" in text
    assert "Présidente de la Métropole" not in text
    # and the other way round: operator → partner becomes co-branded
    other = make_fiche("ECL-LAMP", requester=requester_factory("letter"))
    with committed():
        transition(
            other, "reroute", users["superviseur"], comment="voirie", new_type=catalogue_types["VOI-NID"]
        )
    letter = Message.objects.get(fiche=other, moment="rerouted")
    assert letter.signer_ids == [bodies["city"].pk, bodies["metro"].pk]
    text = pdf_text(letter.pdf.path)
    assert "Le Maire de Marseille" in text and "La Présidente de la Métropole" in text
