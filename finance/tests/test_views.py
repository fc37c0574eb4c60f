"""Finance pages: who sees them, what the finance officer does, hostile input."""

from __future__ import annotations

import subprocess
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from agreements.models import Agreement
from finance.models import CostCategory, CostSheet, RevenueOrder

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement(bodies) -> Agreement:
    return Agreement.objects.get(partner=bodies["metro"])


def login(client, users, name):
    client.force_login(users[name])
    return client


def sheet_post(amounts, forecast=""):
    categories = list(CostCategory.objects.values_list("pk", flat=True))
    data = {
        "lines-TOTAL_FORMS": str(len(amounts)),
        "lines-INITIAL_FORMS": "0",
        "forecast": forecast,
        "notes": "",
    }
    for n, amount in enumerate(amounts):
        data[f"lines-{n}-category"] = str(categories[n]) if amount else ""
        data[f"lines-{n}-label"] = ""
        data[f"lines-{n}-amount"] = amount
    return data


@pytest.mark.parametrize("name", ["agent", "superviseur", "admin", "cellule-voirie", "direction-voirie"])
def test_nobody_else_sees_the_finance_pages(client, users, agreement, name):
    login(client, users, name)
    for url in [
        reverse("finance:index"),
        reverse("finance:year", args=[agreement.pk, 1]),
        reverse("finance:register"),
        reverse("finance:register_csv"),
    ]:
        assert client.get(url).status_code == 403, url


def test_committee_members_see_figures_but_do_not_act(client, users, agreement):
    login(client, users, "comite")
    assert client.get(reverse("finance:year", args=[agreement.pk, 1])).status_code == 200
    assert client.get(reverse("finance:sheet", args=[agreement.pk, 1])).status_code == 403
    assert client.post(reverse("finance:key_compute", args=[agreement.pk, 1])).status_code == 403
    assert client.post(reverse("finance:order_issue", args=[agreement.pk, 1, 1])).status_code == 403


def test_the_committee_validates_the_key_the_finance_officer_computed(client, users, agreement, make_fiche):
    make_fiche("VOI-NID", created_at=datetime(2025, 4, 1, 10, tzinfo=ZoneInfo("Europe/Paris")))
    login(client, users, "finances")
    client.post(
        reverse("finance:key_compute", args=[agreement.pk, 1]), {"body": "final", "information": "on"}
    )
    login(client, users, "superviseur")
    assert client.post(reverse("finance:key_validate", args=[agreement.pk, 1])).status_code == 403
    login(client, users, "comite")
    client.post(reverse("finance:key_validate", args=[agreement.pk, 1]))
    assert agreement.keys.get(year=1).validated_by == users["comite"]


def test_a_convention_of_another_body_is_not_found(client, users, agreement, bodies):
    from organisations.models import Body

    other = Body.objects.create(name="Département", short_name="CD13", kind=Body.Kind.PARTNER)
    foreign = Agreement.objects.create(
        reference="X", title="X", operator=other, partner=other, notified_on=agreement.notified_on
    )
    login(client, users, "finances")
    assert client.get(reverse("finance:agreement", args=[foreign.pk])).status_code == 404
    assert client.get(reverse("finance:year", args=[agreement.pk, 9])).status_code == 404


def test_the_finance_officer_records_expenses_in_french_figures(client, users, agreement):
    login(client, users, "finances")
    response = client.post(reverse("finance:sheet", args=[agreement.pk, 1]), sheet_post(["987 654,33", ""]))
    assert response.status_code == 302
    assert CostSheet.objects.get(agreement=agreement, year=1).total == Decimal("987654.33")
    page = client.get(reverse("finance:year", args=[agreement.pk, 1])).content.decode()
    assert "111\u202f111,11\u00a0€" in page


@pytest.mark.parametrize("amount", ["-5", "abc", "1e400", "99999999999999999"])
def test_bad_amounts_are_refused_and_kept(client, users, agreement, amount):
    login(client, users, "finances")
    response = client.post(reverse("finance:sheet", args=[agreement.pk, 1]), sheet_post([amount]))
    assert response.status_code == 400
    assert f'value="{amount}"' in response.content.decode()
    assert not CostSheet.objects.exists()


def test_a_line_without_category_is_refused(client, users, agreement):
    login(client, users, "finances")
    data = sheet_post(["100"])
    data["lines-0-category"] = ""
    response = client.post(reverse("finance:sheet", args=[agreement.pk, 1]), data)
    assert response.status_code == 400 and "Choisissez la catégorie" in response.content.decode()


def test_issuing_too_early_says_why(client, users, agreement):
    login(client, users, "finances")
    response = client.post(reverse("finance:order_issue", args=[agreement.pk, 1, 4]), follow=True)
    assert "Le montant n&#x27;est pas encore connu" in response.content.decode()
    assert not RevenueOrder.objects.exists()


def test_register_csv_and_home_page(client, users, agreement, make_fiche):
    login(client, users, "finances")
    client.post(reverse("finance:sheet", args=[agreement.pk, 1]), sheet_post(["987654.33"]))
    client.post(reverse("finance:order_issue", args=[agreement.pk, 1, 1]))
    order = RevenueOrder.objects.get()
    csv = b"".join(client.get(reverse("finance:register_csv")).streaming_content).decode()
    assert order.number in csv and "111111,11" in csv
    pdf = client.get(reverse("finance:order_pdf", args=[order.number]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    home = client.get(reverse("core:home")).content.decode()
    assert "Ce qui arrive à échéance" in home
    # the cancel form keeps the reason and refuses an empty one
    response = client.post(reverse("finance:order_cancel", args=[order.number]), {"reason": " "})
    assert response.status_code == 400


def test_compute_and_validate_the_key(client, users, agreement, make_fiche):
    paris = ZoneInfo("Europe/Paris")
    make_fiche("VOI-NID", created_at=datetime(2025, 4, 1, 10, tzinfo=paris))
    make_fiche("ECL-LAMP", created_at=datetime(2025, 4, 2, 10, tzinfo=paris))
    login(client, users, "finances")
    client.post(
        reverse("finance:key_compute", args=[agreement.pk, 1]), {"body": "final", "information": "on"}
    )
    client.post(reverse("finance:key_validate", args=[agreement.pk, 1]))
    key = agreement.keys.get(year=1)
    assert (key.numerator, key.denominator) == (1, 2) and key.validated
    page = client.get(reverse("finance:year", args=[agreement.pk, 1])).content.decode()
    assert (
        "Doublons\u202f: exclues" in page and "Fiches rejetées\u202f: exclues" in page and "50,00 %" in page
    )
    response = client.post(
        reverse("finance:key_compute", args=[agreement.pk, 1]), {"body": "bogus"}, follow=True
    )
    assert response.status_code == 200


def test_renewal_letter_answer_and_notice_from_the_convention_page(client, users, agreement):
    login(client, users, "finances")
    url = reverse("finance:agreement", args=[agreement.pk])
    letter = client.get(reverse("finance:renewal_letter", args=[agreement.pk]))
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF")
    text = " ".join(
        subprocess.run(["pdftotext", "-", "-"], input=letter.content, capture_output=True, check=True)
        .stdout.decode()
        .split()
    )
    assert "arrive à son terme le 28 février 2027" in text and "du 1er mars 2027 au 29 février 2028" in text
    assert (
        "Le Maire de Marseille" in text
        and "Bon pour accord" in text
        and "La Présidente de la Métropole" in text
    )
    action = reverse("finance:agreement_action", args=[agreement.pk, "letter"])
    assert client.post(action, {"letter-day": "2026-11-02"}).status_code == 302
    action = reverse("finance:agreement_action", args=[agreement.pk, "answer"])
    assert client.post(action, {"answer-day": "2026-12-01", "answer-answer": "accepted"}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.years_agreed == 3
    action = reverse("finance:agreement_action", args=[agreement.pk, "notice"])
    bad = client.post(action, {"notice-day": "2020-01-01", "notice-served_by": str(agreement.partner_id)})
    assert bad.status_code == 400 and 'value="2020-01-01"' in bad.content.decode()
    ok = client.post(action, {"notice-day": "2027-04-10", "notice-served_by": str(agreement.partner_id)})
    assert ok.status_code == 302
    agreement.refresh_from_db()
    assert agreement.ends_on.isoformat() == "2027-07-09"
    assert "9 juillet 2027" in client.get(url).content.decode()
    assert client.post(reverse("finance:agreement_action", args=[agreement.pk, "bogus"])).status_code == 404
    login(client, users, "comite")
    assert client.post(reverse("finance:agreement_action", args=[agreement.pk, "letter"])).status_code == 403


def test_annexes_are_downloaded_by_those_who_see_the_convention(client, users, agreement):
    from django.core.files.base import ContentFile

    from agreements.models import Annex

    annex = Annex(agreement=agreement, kind="forecast", title="État prévisionnel 2025")
    annex.file.save("etat-previsionnel.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    url = reverse("finance:annex", args=[agreement.pk, annex.pk])
    login(client, users, "comite")
    assert (
        "État prévisionnel 2025"
        in client.get(reverse("finance:agreement", args=[agreement.pk])).content.decode()
    )
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 test"
    login(client, users, "agent")
    assert client.get(url).status_code == 403
