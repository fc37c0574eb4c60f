"""A citizen whose request went through everything that keeps personal data: the description,
an attachment, notes, the cell thread, a hold, letters (PDF) and their printed batch, the
survey comment; and a year of demo fiches around them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

PERSON = {
    "civility": "Mme",
    "last_name": "Quintavalle",
    "first_name": "Zéphyrine",
    "phone": "06 98 76 54 32",
    "email": "zephyrine.quintavalle@example.net",
    "address": "7 impasse des Lilas",
    "postal_code": "13005",
    "city": "Marseille",
    "preferred_channel": "letter",
}
# What must not remain anywhere once she is anonymised or erased.
TRACES = ["Quintavalle", "0698765432", "06 98 76 54 32", "zephyrine.quintavalle", "impasse des Lilas"]


@pytest.fixture
def person(db):
    from fiches.models import Requester

    return Requester.objects.create(**PERSON)


@pytest.fixture
def live_fiche(make_fiche, users, committed):
    """live_fiche(requester, ended_days_ago=430, close=True): a fiche with every kind of record."""
    from correspondence.services import build_batch
    from fiches.models import Fiche
    from fiches.services import add_follower, add_note, attach, transition
    from followup.services import post_message, put_on_hold
    from portal.services import record_answer

    def make(requester, *, ended_days_ago: int = 430, close: bool = True, follower=None):
        cell, agent = users["cellule-eclairage"], users["agent"]
        with committed():
            fiche = make_fiche(
                "ECL-LAMP",
                requester=requester,
                description=f"{requester.last_name} signale un lampadaire éteint, {requester.phone}.",
                answers={"lamp": f"devant le {requester.address}"},
            )
            if follower is not None:
                add_follower(fiche, follower, agent)
            pdf = SimpleUploadedFile(
                "photo.pdf", f"%PDF-1.4 {requester.last_name} {requester.phone}".encode()
            )
            attach(fiche, pdf, agent)
            add_note(fiche, agent, f"Rappeler {requester.first_name} au {requester.phone}", public=False)
            post_message(fiche, agent, f"Mme {requester.last_name} rappelle, e-mail {requester.email}")
            transition(fiche, "acknowledge", cell)
            put_on_hold(fiche, cell, f"Attente d'accès chez {requester.last_name}", None)
            transition(fiche, "start", cell)
            if close:
                transition(fiche, "resolve", cell, outcome=f"Réparé, merci {requester.last_name}.")
                transition(fiche, "close", agent)
        if close:
            record_answer(fiche, 4, f"Merci, {requester.email}")
            ended = timezone.now() - timedelta(days=ended_days_ago)
            Fiche.objects.filter(pk=fiche.pk).update(
                created_at=ended - timedelta(days=5), resolved_at=ended, closed_at=ended, updated_at=ended
            )
        build_batch()
        fiche.refresh_from_db()
        return fiche

    return make


@pytest.fixture
def demo_year(users, catalogue_types):
    """About 300 fiches from 20 months to 8 months ago (part of them past the one-year rule)."""
    from fiches.demo import generate_fiches

    agents = [users["agent"]]
    return generate_fiches(300, days=365, now=timezone.now() - timedelta(days=240), agents=agents, seed=11)
