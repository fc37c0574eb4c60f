import os
from pathlib import Path

import pytest

from core.testing import assert_accessible
from correspondence.models import Batch
from organisations.demo import DEMO_PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_post_room_batch_and_register(page, live_server, make_fiche, requester_factory, settings, tmp_path):
    shots = Path(os.environ.get("SCREENSHOTS", tmp_path))
    settings.SMS_BACKEND = "correspondence.sms.LocmemBackend"
    fiche = make_fiche("VOI-NID", requester=requester_factory("letter"))
    make_fiche("ECL-LAMP", requester=requester_factory("email"))
    page.goto(f"{live_server.url}/connexion/")
    page.fill("input[name=username]", "agent")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/courriers/")
    assert_accessible(page)
    page.get_by_role("button", name="Constituer le lot maintenant").click()
    page.wait_for_selector("text=Lot")
    assert Batch.objects.get().letter_count == 1
    page.screenshot(path=str(shots / "post-room.png"), full_page=True)
    assert_accessible(page)
    page.goto(f"{live_server.url}/courriers/registre/")
    assert fiche.reference in page.inner_text("main")
    page.screenshot(path=str(shots / "register.png"), full_page=True)
    assert_accessible(page)
    page.goto(f"{live_server.url}/fiches/{fiche.reference}/")
    assert "Messages à l'usager" in page.inner_text("main")
    page.screenshot(path=str(shots / "fiche-panel.png"), full_page=True)
