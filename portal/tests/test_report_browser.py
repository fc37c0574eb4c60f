"""A citizen files a request on a 375-px-wide screen with a photo and gets the reference; the
agent sees it in the list with channel "web" (system Chromium, axe-core)."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from PIL import Image

from core.testing import assert_accessible, log_in
from fiches.models import Fiche
from places.tests.test_places import FIXTURE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_citizen_reports_on_a_phone_and_the_agent_sees_it(
    browser, page, live_server, catalogue_types, users, tmp_path
):
    from catalogue.models import RequestTypeVersion

    RequestTypeVersion.objects.update(public_channel=True)
    call_command("import_addresses", str(FIXTURE), stdout=io.StringIO(), stderr=io.StringIO())
    picture = tmp_path / "trou.jpg"
    image = io.BytesIO()
    Image.new("RGB", (1200, 900), "gray").save(image, "JPEG")
    picture.write_bytes(image.getvalue())
    # its own context, closed with it: left open, its connections to the live server would
    # outlive the server (see _no_browser_context_left_open in conftest.py)
    with browser.new_page(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True) as phone:
        phone.goto(f"{live_server.url}/signaler/")
        assert_accessible(phone)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling
        phone.get_by_label("Quel est le problème").select_option("VOI-NID")
        phone.get_by_label("Décrivez-le").fill("Un trou profond devant la boulangerie")
        # the address, found by the type-ahead and chosen with the keyboard
        finder = phone.get_by_role("combobox", name="Rechercher l’adresse")
        finder.focus()
        phone.keyboard.type("14 bd longchamp")
        phone.locator("#address-options [role=option]").first.wait_for()
        phone.locator("#address-query[aria-expanded=true]").wait_for()
        assert_accessible(phone)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375
        phone.keyboard.press("ArrowDown")
        assert finder.get_attribute("aria-activedescendant") == "address-option-1"
        phone.keyboard.press("Enter")
        assert phone.get_by_label("Numéro", exact=True).input_value() == "14"
        assert phone.get_by_label("Voie").input_value() == "Boulevard Longchamp"
        assert phone.get_by_label("Code postal").input_value() == "13001"
        assert finder.get_attribute("aria-expanded") == "false"
        phone.get_by_label("Photos (3 au plus, facultatif)").set_input_files(str(picture))
        phone.get_by_label("Votre nom").fill("Martin")
        phone.get_by_label("Votre adresse électronique").fill("lea.martin@example.org")
        # sent without consent: refused, what was typed is still there
        phone.get_by_role("button", name="Envoyer ma demande").click()
        phone.locator("#report-errors").wait_for()
        assert phone.get_by_label("Décrivez-le").input_value() == "Un trou profond devant la boulangerie"
        assert_accessible(phone)
        phone.get_by_label("Photos (3 au plus, facultatif)").set_input_files(str(picture))
        phone.get_by_label("J'accepte").check()
        phone.get_by_role("button", name="Envoyer ma demande").click()
        phone.wait_for_url(re.compile(r"/signaler/merci/"))
        reference = phone.locator("#reference").inner_text()
        assert re.fullmatch(r"AM-\d{4}-\d{6}", reference)
        assert_accessible(phone)
        fiche = Fiche.objects.get(reference=reference)
        assert fiche.channel == "web" and fiche.attachments.count() == 1
        assert (fiche.latitude, fiche.longitude, fiche.address_verified) == (43.30158, 5.38708, True)

    log_in(page, live_server, "agent")
    page.goto(f"{live_server.url}/fiches/?channel=web")
    row = page.locator("tbody tr", has_text=reference)
    row.wait_for()
    page.goto(f"{live_server.url}/fiches/{reference}/")
    assert "Formulaire web" in page.inner_text("main")
