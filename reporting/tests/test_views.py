"""The barometer's page and exports: who may read them, what they show, hostile input."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db

Q1 = {"date_from": "2026-01-01", "date_to": "2026-03-31"}


def get(client, user, url="/barometre/", **params):
    client.force_login(user)
    return client.get(url, params)


def test_page_shows_the_figures(client, known_fiches, users):
    page = get(client, users["comite"], **Q1, by="body")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Métropole" in html and "Ville" in html
    assert "50,0 %" in html  # resolved within the deadline
    assert "+500,0 %" in html  # 6 fiches against 1 the period before
    assert html.count('class="tile shade') == 16


@pytest.mark.parametrize("username", ["comite", "superviseur", "admin", "direction-voirie"])
def test_who_may_read(client, known_fiches, users, username):
    assert get(client, users[username], **Q1).status_code == 200


@pytest.mark.parametrize("username", ["agent", "cellule-voirie", "finances"])
def test_who_may_not(client, known_fiches, users, username):
    assert get(client, users[username], **Q1).status_code == 403
    assert get(client, users[username], "/barometre/export.csv", **Q1).status_code == 403


def test_committee_member_gets_no_fiche_nor_personal_data(client, known_fiches, users):
    """Through every dimension of the page and every export: figures only."""
    from reporting.selectors import DIMENSIONS

    secrets = [
        "Durand",
        "Alice",
        "06 12 34 56 78",
        "alice.durand",
        "rue Paradis",
        "Rebouché",
        "/fiches/?",
        "/fiches/AM-",
    ]
    secrets += [fiche.reference for fiche in known_fiches.values()]
    for by in DIMENSIONS:
        params = {**Q1, "by": by if by != "day" else "week"}
        bodies = [get(client, users["comite"], **params).content.decode()]
        for fmt in ("csv", "xlsx"):
            for table in ("rows", "arrondissements"):
                response = get(client, users["comite"], f"/barometre/export.{fmt}", **params, table=table)
                assert response.status_code == 200
                content = b"".join(response.streaming_content) if response.streaming else response.content
                bodies.append(_text(content, fmt))
        for body in bodies:
            assert not [s for s in secrets if s in body], by


def _text(content: bytes, fmt: str) -> str:
    if fmt == "csv":
        return content.decode("utf-8-sig")
    sheet = load_workbook(io.BytesIO(content)).active
    return "\n".join(
        " ".join(str(v) for v in row if v is not None) for row in sheet.iter_rows(values_only=True)
    )


def test_those_who_see_fiches_click_through_to_the_list(client, known_fiches, users):
    html = get(client, users["superviseur"], **Q1, by="body").content.decode()
    body_id = known_fiches["f1"].body_id
    assert f"/fiches/?date_from=2026-01-01&amp;date_to=2026-03-31&amp;body={body_id}" in html
    months = get(client, users["superviseur"], **Q1, by="month").content.decode()
    assert "/fiches/?date_from=2026-02-01&amp;date_to=2026-02-28" in months


def test_quartier_rows_click_through_to_the_matching_list(client, users, make_fiche):
    from reporting.tests.conftest import at

    inside = make_fiche("VOI-NID", created_at=at(2026, 1, 5, 9), quartier="La Belle de Mai")
    other = make_fiche("VOI-NID", created_at=at(2026, 1, 6, 9), quartier="Noailles")
    html = get(client, users["superviseur"], **Q1, by="quartier").content.decode()
    link = "/fiches/?date_from=2026-01-01&amp;date_to=2026-03-31&amp;quartier=La+Belle+de+Mai"
    assert link in html
    listed = client.get(link.replace("&amp;", "&")).content.decode()
    assert inside.reference in listed and other.reference not in listed
    client.force_login(users["direction-voirie"])  # a manager follows it within their scope
    assert link in get(client, users["direction-voirie"], **Q1, by="quartier").content.decode()
    committee = get(client, users["comite"], **Q1, by="quartier").content.decode()
    assert "La Belle de Mai" in committee and "/fiches/?" not in committee  # figures only


def test_exports_carry_the_table(client, known_fiches, users):
    response = get(client, users["comite"], "/barometre/export.csv", **Q1, by="body")
    rows = list(
        csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";")
    )
    assert rows[0][:2] == ["Collectivité", "Fiches reçues"]
    assert [r[0] for r in rows[1:]] == ["Métropole", "Ville", "Toutes"]
    assert rows[-1][1] == "6"
    workbook = get(
        client, users["comite"], "/barometre/export.xlsx", **Q1, by="arrondissement", table="arrondissements"
    )
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert sheet.max_row == 17 and sheet.cell(2, 2).value == 5


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "9999-01-01", "date_to": "9999-12-31"},
        {"date_from": "2026-01-01²"},
        {"date_from": "99999999999999999999-01-01"},
        {"date_from": "2026-03-31", "date_to": "2026-01-01"},
        {"date_from": "2020-01-01", "date_to": "2026-01-01"},
        {"date_from": "2026-01-01", "date_to": "2026-12-31", "by": "day"},
        {"by": "nothing"},
        {"map": "<script>"},
    ],
)
def test_hostile_input_is_a_clear_400(client, users, params):
    page = get(client, users["comite"], **params)
    assert page.status_code == 400
    html = page.content.decode()
    assert 'role="alert"' in html or "errorlist" in html
    for value in params.values():
        if value != "<script>":
            assert f'value="{value}"' in html or f'value="{value}" selected' in html or value in html
    export = get(client, users["comite"], "/barometre/export.xlsx", **params)
    assert export.status_code == 400 and export.content
    assert get(client, users["comite"], "/barometre/export.pdf").status_code == 404


def test_the_committee_reads_the_satisfaction_figures(client, users):
    assert get(client, users["comite"], "/suivre/satisfaction/").status_code == 200
    assert get(client, users["finances"], "/suivre/satisfaction/").status_code == 403


def test_page_costs_a_constant_number_of_queries(
    client, known_fiches, users, django_assert_num_queries, make_fiche
):
    client.force_login(users["comite"])
    client.get("/barometre/", {**Q1, "by": "type"})
    with django_assert_num_queries(9) as before:
        client.get("/barometre/", {**Q1, "by": "type"})
    for code in ("EV-BANC", "PRO-DEPOT", "HYG-ANIMAL"):
        make_fiche(code, created_at=known_fiches["f1"].created_at, postal_code="13005")
    with django_assert_num_queries(len(before.captured_queries)):
        client.get("/barometre/", {**Q1, "by": "type"})
