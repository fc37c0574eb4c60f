import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils.html import escape
from PIL import Image

from correspondence.models import Batch, Message, Moment
from correspondence.services import build_batch
from fiches.services import add_note, transition

pytestmark = pytest.mark.django_db

SECRET = "NOTE-INTERNE-CONFIDENTIELLE"


def pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def first_page_png(path, tmp_path) -> Image.Image:
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")], check=True
    )
    return Image.open(next(tmp_path.glob("p*.png"))).convert("L")


def dark_share(image: Image.Image, box_mm: tuple[float, float, float, float]) -> float:
    """Share of non-white pixels in a box given in millimetres from the page's top-left."""
    scale = image.width / 210
    box = tuple(int(v * scale) for v in box_mm)
    region = image.crop(box)
    histogram = region.histogram()
    return sum(histogram[:200]) / sum(histogram)


def keep(path, name):
    target = os.environ.get("LETTER_PREVIEW")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(target) / name)


def test_cobranded_letter_pdf(make_fiche, users, requester_factory, committed, tmp_path):
    with committed():
        fiche = make_fiche("VOI-NID", requester=requester_factory("letter"), description="Trou profond")
        add_note(fiche, users["agent"], SECRET, public=False)
        transition(fiche, "acknowledge", users["cellule-voirie"])
        transition(fiche, "start", users["cellule-voirie"], comment="Passage de l'équipe jeudi matin.")
        transition(fiche, "resolve", users["cellule-voirie"], outcome="La chaussée a été reprise le 5 mars.")
    letters = list(Message.objects.filter(fiche=fiche).order_by("id"))
    assert [m.moment for m in letters] == ["acknowledgement", "intervention", "fixed"]
    assert all(m.channel == "letter" and m.state == "queued" and m.pdf for m in letters)
    ack = letters[0]
    text = pdf_text(ack.pdf.path)
    keep(ack.pdf.path, "cobranded-ack.pdf")
    keep(letters[2].pdf.path, "cobranded-fixed.pdf")
    assert fiche.reference in text
    assert re.search(r"Objet\s:", text) and "Mme Alice DURAND" in text and "13001 MARSEILLE" in text
    assert "Le Maire de Marseille" in text and "La Présidente de la Métropole" in text
    assert "https://allo.example.org/suivre/" in text
    assert SECRET not in text
    assert "Passage de l'équipe jeudi matin." in pdf_text(letters[1].pdf.path)
    assert "La chaussée a été reprise le 5 mars." in pdf_text(letters[2].pdf.path)
    # PDF/A for the archive
    meta = subprocess.run(["pdfinfo", "-meta", ack.pdf.path], capture_output=True, text=True).stdout
    assert 'pdfaid:part="3"' in meta and 'pdfaid:conformance="B"' in meta
    # Both logos drawn (vector SVG): ink in the left logo and in the second logo's box.
    page = first_page_png(ack.pdf.path, tmp_path)
    assert dark_share(page, (20, 14, 40, 29)) > 0.05  # Ville mark
    assert dark_share(page, (85, 14, 105, 29)) > 0.05  # Métropole mark
    # window envelope: the address block sits 45-80 mm from the top, right half
    assert dark_share(page, (112, 47, 180, 62)) > 0.01


def test_operator_letter_has_one_signatory(make_fiche, users, requester_factory, committed, tmp_path):
    with committed():
        fiche = make_fiche(
            "ECL-LAMP",
            requester=requester_factory("letter", civility="M.", first_name="Jean", last_name="Martin"),
        )
    letter = Message.objects.get(fiche=fiche)
    keep(letter.pdf.path, "operator-ack.pdf")
    text = pdf_text(letter.pdf.path)
    assert "Le Maire de Marseille" in text
    assert "Métropole" not in text
    assert "Monsieur," in text
    page = first_page_png(letter.pdf.path, tmp_path)
    assert dark_share(page, (20, 14, 40, 29)) > 0.05
    assert dark_share(page, (85, 14, 105, 29)) < 0.01  # no second logo


def test_uploaded_logo_is_used(make_fiche, requester_factory, committed, bodies, tmp_path):
    from django.core.files.base import ContentFile

    png = tmp_path / "logo.png"
    Image.new("RGB", (200, 60), (200, 30, 30)).save(png)
    bodies["city"].logo.save("ville.png", ContentFile(png.read_bytes()))
    with committed():
        fiche = make_fiche("ECL-LAMP", requester=requester_factory("letter"))
    letter = Message.objects.get(fiche=fiche)
    listing = subprocess.run(["pdfimages", "-list", letter.pdf.path], capture_output=True, text=True).stdout
    assert len([line for line in listing.splitlines()[2:] if line.strip()]) == 1


def test_batch_and_register(make_fiche, users, requester_factory, committed, client):
    with committed():
        for _ in range(3):
            make_fiche("ECL-LAMP", requester=requester_factory("letter"))
        make_fiche("ECL-LAMP", requester=requester_factory("email"))
    batch = build_batch()
    assert batch.letter_count == 3 and batch.page_count == 3
    keep(batch.pdf.path, "batch.pdf")
    assert len(re.findall(r"Objet\s:", pdf_text(batch.pdf.path))) == 3
    assert set(Message.objects.filter(channel="letter").values_list("state", flat=True)) == {"sent"}
    assert build_batch() is None  # idempotent: nothing left
    client.force_login(users["agent"])
    page = client.get("/courriers/")
    assert page.status_code == 200
    assert client.get(f"/courriers/lots/{batch.pk}/pdf/").status_code == 200
    register = client.get("/courriers/registre/")
    assert register.status_code == 200
    assert "Mme Alice DURAND" in register.content.decode()
    client.force_login(users["cellule-voirie"])
    assert client.get("/courriers/registre/").status_code == 403


def test_register_constant_queries(
    make_fiche, users, requester_factory, committed, client, django_assert_max_num_queries
):
    with committed():
        for _ in range(4):
            make_fiche("ECL-LAMP", requester=requester_factory("phone"))
    client.force_login(users["agent"])
    with django_assert_max_num_queries(8):
        response = client.get("/courriers/registre/")
    assert response.status_code == 200


def test_batch_command(make_fiche, requester_factory, committed):
    from io import StringIO

    from django.core.management import call_command

    with committed():
        make_fiche("VOI-NID", requester=requester_factory("letter"))
    out = StringIO()
    call_command("build_letter_batch", stdout=out)
    assert "1 letters" in out.getvalue()


def test_letter_download_respects_visibility(make_fiche, users, requester_factory, committed, client):
    with committed():
        fiche = make_fiche("ECL-LAMP", requester=requester_factory("letter"))
    letter = Message.objects.get(fiche=fiche)
    client.force_login(users["cellule-eclairage"])
    assert client.get(f"/courriers/lettres/{letter.pk}/pdf/").status_code == 200
    client.force_login(users["cellule-voirie"])
    assert client.get(f"/courriers/lettres/{letter.pk}/pdf/").status_code == 404


def test_a_fiches_messages_only_for_who_may_see_it(make_fiche, users, requester_factory, committed):
    from correspondence.selectors import messages_for_fiche

    with committed():
        fiche = make_fiche("ECL-LAMP", requester=requester_factory("letter"))
    letter = Message.objects.get(fiche=fiche)
    assert list(messages_for_fiche(fiche, users["cellule-eclairage"])) == [letter]
    assert list(messages_for_fiche(fiche, users["cellule-voirie"])) == []  # the Métropole's cell
    assert list(messages_for_fiche(fiche, users["direction-voirie"])) == []  # and its directorate
    assert list(messages_for_fiche(fiche, users["comite"])) == []  # figures, no fiche
    assert list(messages_for_fiche(fiche, users["agent"])) == [letter]  # the call centre


def test_fiche_detail_page_shows_panel(make_fiche, users, requester_factory, committed, client):
    with committed():
        fiche = make_fiche("VOI-NID", requester=requester_factory("letter"))
    client.force_login(users["cellule-voirie"])
    html = client.get(f"/fiches/{fiche.reference}/").content.decode()
    assert "correspondence-title" in html
    letter = Message.objects.get(fiche=fiche)
    assert f"/courriers/lettres/{letter.pk}/pdf/" in html
    assert "(lot " not in html
    batch = Batch.objects.create(letter_count=1)
    Message.objects.filter(pk=letter.pk).update(batch=batch)
    html = client.get(f"/fiches/{fiche.reference}/").content.decode()
    assert f"(lot {batch.pk})" in html  # the batch's number, without reading the batch
    assert "notice-moment" not in html  # the call centre sends the notices
    client.force_login(users["agent"])
    html = client.get(f"/fiches/{fiche.reference}/").content.decode()
    options = "".join(f'<option value="{value}">{escape(label)}</option>' for value, label in Moment.choices)
    assert (
        f'<select class="form-select form-select-sm" id="notice-moment" name="moment">\n          {options}\n'
        in html
    )


@pytest.mark.parametrize(
    "query",
    [
        {"avant": "2026-02-30T10:00", "id": "1"},
        {"avant": "2026-01-05T10:00", "id": "²"},
        {"avant": "2026-01-05T10:00", "id": "9" * 30},
        {"avant": "9999-12-31T23:59", "id": "1"},
    ],
)
def test_register_ignores_a_cursor_it_did_not_write(users, client, query):
    client.force_login(users["agent"])
    assert client.get("/courriers/registre/", query).status_code == 200


def test_register_pages_with_a_naive_cursor(make_fiche, users, requester_factory, committed, client):
    with committed():
        make_fiche("ECL-LAMP", requester=requester_factory("letter"))
    client.force_login(users["agent"])
    page = client.get("/courriers/registre/", {"avant": "2099-01-01T10:00", "id": "999999"})
    assert page.status_code == 200 and len(page.context["rows"]) == 1
