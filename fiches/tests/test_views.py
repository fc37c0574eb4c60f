"""The fiche screens: intake, isolation through every door, lists, exports."""

import csv
import io
from pathlib import PurePath

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from core.testing import run_at_once
from fiches.models import Fiche, Requester, Status


@pytest.fixture
def as_user(client, users, catalogue_types):
    def login(username):
        client.force_login(users[username])
        return client

    return login


INTAKE = {
    "channel": "phone",
    "civility": "Mme",
    "last_name": "Durand",
    "first_name": "Alice",
    "phone": "06 11 22 33 44",
    "email": "alice.durand@example.org",
    "preferred_channel": "email",
    "request_type": "VOI-NID",
    "type_query": "nid",
    "street_number": "4",
    "street_name": "rue de Rome",
    "postal_code": "13006",
    "description": "Un trou profond devant l'école",
}


def test_agent_records_a_call_and_sees_the_reference(as_user):
    client = as_user("agent")
    response = client.post(reverse("fiches:intake"), INTAKE)
    fiche = Fiche.objects.get()
    assert response.status_code == 302 and response.url == reverse("fiches:created", args=[fiche.reference])
    page = client.get(response.url).content.decode()
    assert fiche.reference in page and "reference-big" in page
    assert fiche.requester.last_name == "Durand" and fiche.arrondissement == 6 and fiche.sector == 4


def test_bad_intake_keeps_what_was_typed(as_user):
    client = as_user("agent")
    data = {**INTAKE, "postal_code": "75001"}
    response = client.post(reverse("fiches:intake"), data)
    page = response.content.decode()
    assert response.status_code == 200 and Fiche.objects.count() == 0
    assert 'value="rue de Rome"' in page and "Un trou profond" in page and 'value="Durand"' in page
    assert 'aria-invalid="true"' in page


def test_intake_without_type_asks_for_one(as_user):
    response = as_user("agent").post(reverse("fiches:intake"), {**INTAKE, "request_type": ""})
    assert response.status_code == 200 and Fiche.objects.count() == 0
    assert response.context["form"].errors["type_query"]


def test_caller_lookup_by_phone_and_history(as_user, make_fiche):
    fiche = make_fiche()
    client = as_user("agent")
    assert client.get(reverse("fiches:intake_callers"), {"caller_query": "0612345678"}).status_code == 405
    response = client.post(reverse("fiches:intake_callers"), {"caller_query": "0612345678"})
    assert "DURAND" in response.content.decode()
    response = client.get(reverse("fiches:intake_caller", args=[fiche.requester_id]))
    assert fiche.reference in response.content.decode()


def test_type_search_is_accent_insensitive(as_user, catalogue_types):
    response = as_user("agent").get(reverse("fiches:intake_types"), {"type_query": "lampadaire ETEINT"})
    assert "ECL-LAMP" in response.content.decode()
    response = as_user("agent").get(reverse("fiches:intake_types"), {"type_query": "detritus"})
    assert "PRO-DEPOT" in response.content.decode()


def test_nearby_duplicate_is_offered_and_caller_can_follow_it(as_user, make_fiche):
    existing = make_fiche("VOI-NID", street_number="4", street_name="Rue de Rome", postal_code="13006")
    client = as_user("agent")
    response = client.get(reverse("fiches:intake_duplicates"), INTAKE)
    assert existing.reference in response.content.decode()
    response = client.post(reverse("fiches:intake"), {**INTAKE, "follow_fiche": existing.reference})
    assert response.status_code == 302 and Fiche.objects.count() == 1
    assert existing.followers.get().last_name == "Durand"


def test_only_the_call_centre_takes_calls(as_user):
    assert as_user("cellule-voirie").get(reverse("fiches:intake")).status_code == 403
    assert (
        as_user("comite").post(reverse("fiches:intake_callers"), {"caller_query": "Dur"}).status_code == 403
    )


def test_metropole_cell_gets_nothing_of_a_city_fiche(as_user, make_fiche):
    city = make_fiche("ECL-LAMP", street_name="rue Secrète")
    metro = make_fiche("VOI-NID")
    client = as_user("cellule-voirie")
    assert client.get(reverse("fiches:detail", args=[city.reference])).status_code == 404
    assert client.get(reverse("fiches:created", args=[city.reference])).status_code == 404
    assert (
        client.post(reverse("fiches:act", args=[city.reference]), {"action": "acknowledge"}).status_code
        == 404
    )
    assert client.post(reverse("fiches:note", args=[city.reference]), {"comment": "x"}).status_code == 404
    listing = client.get(reverse("fiches:list")).content.decode()
    assert metro.reference in listing and f"/{city.reference}/" not in listing
    search = client.get(reverse("fiches:list"), {"q": city.reference})
    assert search.context["page"].items == []
    assert client.get(reverse("fiches:lookup"), {"reference": city.reference}).status_code == 302
    for fmt in ("csv", "xlsx"):
        body = (
            b"".join(client.get(reverse("fiches:export", args=[fmt])).streaming_content)
            if fmt == "csv"
            else (client.get(reverse("fiches:export", args=[fmt])).content)
        )
        text = (
            body.decode("utf-8-sig")
            if fmt == "csv"
            else str([c.value for r in load_workbook(io.BytesIO(body)).active for c in r])
        )
        assert metro.reference in text and city.reference not in text and "Secrète" not in text
    assert (
        as_user("cellule-eclairage").get(reverse("fiches:detail", args=[city.reference])).status_code == 200
    )


def test_roles_without_fiches_see_none(as_user, make_fiche):
    make_fiche()
    for username in ("comite", "finances"):
        client = as_user(username)
        assert client.get(reverse("fiches:list")).status_code == 403
        assert client.get(reverse("fiches:export", args=["csv"])).status_code == 403


def test_requester_data_shown_to_call_centre_and_acting_cell_only(as_user, make_fiche):
    fiche = make_fiche("VOI-NID")
    assert (
        "06 12 34 56 78"
        in as_user("agent").get(reverse("fiches:detail", args=[fiche.reference])).content.decode()
    )
    assert (
        "06 12 34 56 78"
        in as_user("cellule-voirie").get(reverse("fiches:detail", args=[fiche.reference])).content.decode()
    )


def test_actions_through_the_page(as_user, make_fiche):
    fiche = make_fiche()
    client = as_user("cellule-voirie")
    page = client.get(reverse("fiches:detail", args=[fiche.reference])).content.decode()
    # nothing posted yet: every action's form closed and empty
    assert page.count('<details class="mb-2" >') >= 2 and "open>" not in page
    assert 'rows="2" required></textarea>' in page and "selected" not in page
    url = reverse("fiches:act", args=[fiche.reference])
    response = client.post(url, {"action": "acknowledge", "expected_version": fiche.lock_version})
    assert response.status_code == 302
    stale = client.post(url, {"action": "start", "expected_version": fiche.lock_version, "comment": "go"})
    assert stale.status_code == 409 and "go" in stale.content.decode()
    missing = client.post(url, {"action": "send_back", "comment": ""})
    assert missing.status_code == 400
    fiche.refresh_from_db()
    assert fiche.status == Status.ACKNOWLEDGED


def test_export_escapes_formulas(as_user, make_fiche):
    make_fiche(street_name='=HYPERLINK("http://evil")')
    response = as_user("agent").get(reverse("fiches:export", args=["csv"]))
    rows = list(
        csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";")
    )
    assert rows[1][14].startswith("12 =") or rows[1][14].startswith("'")
    make_fiche(street_number="", street_name="+cmd|' /C calc'!A0")
    response = as_user("agent").get(reverse("fiches:export", args=["xlsx"]))
    values = [c.value for row in load_workbook(io.BytesIO(response.content)).active for c in row]
    assert "'+cmd|' /C calc'!A0" in values


def test_list_queries_do_not_grow_with_fiches(as_user, make_fiche, django_assert_max_num_queries):
    client = as_user("agent")
    for _ in range(3):
        make_fiche()
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("fiches:list"))
    for _ in range(60):
        make_fiche()
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("fiches:list"), {"status": ["transmitted"], "arrondissement": "1"})
    assert len(response.context["page"].items) == 50 and response.context["page"].next_cursor
    second = client.get(reverse("fiches:list"), {"after": response.context["page"].next_cursor})
    assert len(second.context["page"].items) == 13


def test_the_list_reads_the_columns_it_shows(as_user, make_fiche, django_assert_num_queries):
    """Five queries (session, user, memberships, the page's rows, their count), the rows with
    the fields the list shows only: each row's type, body, directorate, address, status and
    due date are on the page, none read afterwards (a deferred field would be a query a row)."""
    from datetime import timedelta

    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    client = as_user("cellule-voirie")
    fiches = [make_fiche(street_number=str(n), street_name="rue Paradis") for n in range(3)]
    Fiche.objects.filter(pk=fiches[0].pk).update(due_at=timezone.now() - timedelta(days=1))
    client.get(reverse("fiches:list"))  # the session renewed once
    with django_assert_num_queries(5), CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("fiches:list")).content.decode()
    rows = queries.captured_queries[3]["sql"]
    assert "description" not in rows and "organisations_cell" not in rows and "catalogue_family" not in rows
    fiche = fiches[0]
    for shown in (
        fiche.request_type.label, fiche.body.short_name, fiche.directorate.name, "0 rue Paradis, ",
        f'status-{fiche.status}">{fiche.get_status_display()}', "(en retard)",
    ):  # fmt: skip
        assert shown in page


def test_attachment_type_and_size_are_checked(as_user, make_fiche, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fiche = make_fiche()
    client = as_user("agent")
    url = reverse("fiches:upload", args=[fiche.reference])
    bad = client.post(url, {"file": SimpleUploadedFile("x.png", b"MZ\x90\x00 not an image")})
    assert bad.status_code == 400 and fiche.attachments.count() == 0
    good = client.post(url, {"file": SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100)})
    assert good.status_code == 302 and fiche.attachments.get().content_type == "image/png"
    settings.MAX_ATTACHMENT_SIZE = 10
    big = client.post(url, {"file": SimpleUploadedFile("b.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100)})
    assert big.status_code == 400


@pytest.mark.django_db(transaction=True)
def test_references_unique_under_concurrent_saves(users, catalogue_types):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race is exercised on PostgreSQL")
    from catalogue.services import current_version
    from fiches.services import FicheInput, create_fiche

    version = current_version("HYG-ANIMAL")

    def save() -> None:
        for _ in range(5):
            create_fiche(
                FicheInput(request_type=version, channel="phone", street_name="rue X"), users["agent"]
            )

    run_at_once(*[save] * 8)
    references = list(Fiche.objects.values_list("reference", flat=True))
    assert len(references) == 40 == len(set(references))
    assert Requester.objects.count() == 0


def test_filters_by_body_directorate_and_family(as_user, make_fiche):
    road, light = make_fiche("VOI-NID"), make_fiche("ECL-LAMP")
    client = as_user("agent")
    for params, expected in (
        ({"body": road.body_id}, road),
        ({"directorate": light.directorate_id}, light),
        ({"family": "eclairage"}, light),
        ({"type": "voi-nid"}, road),
    ):
        items = client.get(reverse("fiches:list"), params).context["page"].items
        assert [item.reference for item in items] == [expected.reference], params


def test_a_refused_filter_leaves_the_others_applied(as_user, make_fiche, users):
    """A date that does not exist says so by its field; the status ticked still filters the
    list and the export (they listed every fiche, "matching the filters")."""
    from fiches.services import transition

    waiting, other = make_fiche("VOI-NID"), make_fiche("VOI-NID")
    transition(other, "acknowledge", users["cellule-voirie"])
    client = as_user("agent")
    params = {"status": "transmitted", "date_from": "2026-13-01", "sort": "oldest"}
    page = client.get(reverse("fiches:list"), params)
    assert page.context["form"].errors["date_from"]
    assert [item.reference for item in page.context["page"].items] == [waiting.reference]
    export = b"".join(client.get(reverse("fiches:export", args=["csv"]), params).streaming_content)
    assert waiting.reference.encode() in export and other.reference.encode() not in export


def test_uploaded_files_are_not_served_directly(as_user, make_fiche, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fiche = make_fiche()
    as_user("agent").post(
        reverse("fiches:upload", args=[fiche.reference]),
        {"file": SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 10)},
    )
    path = fiche.attachments.get().file.name
    client.logout()
    assert client.get(f"/media/{path}").status_code == 404
    assert (
        client.get(reverse("fiches:download", args=[fiche.reference, fiche.attachments.get().pk])).status_code
        == 302
    )


def test_detail_page_of_demo_fiches_renders(as_user, users, catalogue_types):
    """Demo fiches have timeline events without an actor (the system acted)."""
    from fiches.demo import generate_fiches

    generate_fiches(40, days=60, seed=7)
    client = as_user("superviseur")
    for fiche in Fiche.objects.all()[:40]:
        assert client.get(reverse("fiches:detail", args=[fiche.reference])).status_code == 200


def test_attachment_stored_under_the_detected_type_never_the_clients_name(as_user, make_fiche):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fiche = make_fiche()
    client = as_user("agent")
    url = reverse("fiches:upload", args=[fiche.reference])
    png = b"\x89PNG\r\n\x1a\n" + b"<html><script>alert(1)</script></html>"
    assert client.post(url, {"file": SimpleUploadedFile("../page.html", png)}).status_code == 302
    attachment = fiche.attachments.get()
    stored = PurePath(attachment.file.name)
    assert stored.suffix == ".png" and "page" not in stored.name and stored.parent.name != ""
    assert attachment.original_name == "page.html"
    download = client.get(reverse("fiches:download", args=[fiche.reference, attachment.pk]))
    assert download["Content-Type"] == "image/png"
    assert 'filename="page.png"' in download["Content-Disposition"]


@pytest.mark.parametrize(
    "query",
    [
        "date_to=9999-12-31",
        "date_from=0001-01-01",
        "date_from=0001-01-01&date_to=9999-12-31",
        "cell=" + "9" * 30,
    ],
)
def test_out_of_range_filters_are_a_french_error_not_a_server_error(as_user, make_fiche, query):
    make_fiche()
    client = as_user("agent")
    page = client.get(f"/fiches/?{query}")
    assert page.status_code == 200
    if "date" in query:
        assert "entre les années 2000 et 2099" in page.content.decode()
    assert client.get(f"/fiches/export.csv?{query}").status_code == 200


def test_duplicates_ignore_infinite_coordinates(as_user, make_fiche):
    make_fiche()
    response = as_user("agent").get(
        "/fiches/nouvelle/doublons/", {"request_type": "VOI-NID", "latitude": "inf", "longitude": "-inf"}
    )
    assert response.status_code == 200


def test_intake_ignores_a_tampered_requester_id(as_user):
    response = as_user("agent").post(
        "/fiches/nouvelle/", {**INTAKE, "request_type": "VOI-NID", "requester_id": "²"}
    )
    assert response.status_code == 200 and not Fiche.objects.exists()


def test_lookup_keeps_a_typed_reference_inside_the_query_string(as_user):
    response = as_user("agent").get("/fiches/recherche/", {"reference": "AM-2026&status=closed"})
    assert response.status_code == 302 and response.url == "/fiches/?q=AM-2026%26STATUS%3DCLOSED"


def test_an_invalid_action_form_says_why(as_user, make_fiche):
    fiche = make_fiche()
    response = as_user("agent").post(
        f"/fiches/{fiche.reference}/action/", {"action": "acknowledge", "expected_version": "9" * 30}
    )
    assert response.status_code == 400
    assert "inférieure ou égale à 2147483647" in response.content.decode()


def test_a_note_over_its_maximum_length_says_so(as_user, make_fiche):
    fiche = make_fiche()
    response = as_user("agent").post(f"/fiches/{fiche.reference}/note/", {"comment": "x" * 4001})
    assert response.status_code == 400 and "au plus 4000 caractères" in response.content.decode()


def test_the_supervisor_reroutes_from_the_page_and_a_refusal_keeps_the_type_chosen(
    as_user, users, make_fiche
):
    from accounts.testing import mark_verified

    fiche = make_fiche()
    client = as_user("superviseur")
    mark_verified(client, users["superviseur"])
    page = client.get(reverse("fiches:detail", args=[fiche.reference])).content.decode()
    assert '<option value="ECL-LAMP">' in page and '<option value="VOI-NID">' in page
    assert "Nid-de-poule sur la chaussée (" in page  # family · label (body)
    url = reverse("fiches:act", args=[fiche.reference])
    refused = client.post(url, {"action": "reroute", "new_type": "ECL-LAMP", "comment": ""})
    assert refused.status_code == 400
    assert '<option value="ECL-LAMP" selected>' in refused.content.decode()
    version = fiche.lock_version
    client.post(
        url,
        {"action": "reroute", "new_type": "ECL-LAMP", "comment": "Éclairage", "expected_version": version},
    )
    fiche.refresh_from_db()
    assert fiche.request_type.code == "ECL-LAMP"


def test_select_options_escape_and_choose():
    from core.templatetags.display import select_options

    html = select_options([("a", "<b>A</b>"), (2, "Deux")], 2)
    assert html == '<option value="a">&lt;b&gt;A&lt;/b&gt;</option><option value="2" selected>Deux</option>'


def test_home_counters_count_the_visible_open_fiches(as_user, make_fiche, users, django_assert_num_queries):
    """Open, overdue, to acknowledge and to re-route, within the user's scope, in two queries
    after the session's (the open fiches by status, the overdue ones)."""
    from datetime import timedelta

    from django.utils import timezone

    past = timezone.now() - timedelta(days=1)
    transmitted, reopened, rerouted, closed = (make_fiche() for _ in range(4))
    Fiche.objects.filter(pk=reopened.pk).update(status=Status.REOPENED, due_at=past)
    Fiche.objects.filter(pk=rerouted.pk).update(status=Status.REROUTED)
    Fiche.objects.filter(pk=closed.pk).update(status=Status.CLOSED, due_at=past)
    make_fiche("ECL-LAMP")  # another cell's, transmitted
    client = as_user("superviseur")
    client.get(reverse("core:home"))  # the session renewed once
    with django_assert_num_queries(5):
        response = client.get(reverse("core:home"))
    assert response.context["counters"] == {"open": 4, "overdue": 1, "to_acknowledge": 3, "to_reroute": 1}
    counters = as_user("cellule-voirie").get(reverse("core:home")).context["counters"]
    assert counters == {"open": 3, "overdue": 1, "to_acknowledge": 2, "to_reroute": 1}


def test_the_fiche_page_reads_only_the_panels_that_have_something(
    as_user, make_fiche, users, django_assert_num_queries
):
    """Attachments, followers, knowledge answers and the thread are read only when the fiche's
    query found some (most fiches have none); each shows when there is one. The neighbour is
    read with the fields the page shows (fiches.selectors.NEIGHBOUR_FIELDS): no more."""
    from followup.models import Message
    from knowledge.models import Answer, Use

    neighbour = make_fiche()  # same address, same family
    fiche = make_fiche()
    url = reverse("fiches:detail", args=[fiche.reference])
    client = as_user("agent")
    client.get(url)  # the session renewed once
    # session, user, memberships, the fiche, the access log, its neighbours, its letters and
    # messages, its timeline
    with django_assert_num_queries(8):
        page = client.get(url).content.decode()
    assert "Aucun." in page and "Réponse de la base de connaissances" not in page
    assert f'<a href="/fiches/{neighbour.reference}/">{neighbour.reference}</a> · même adresse · ' in page
    fiche.attachments.create(original_name="photo.jpg", content_type="image/jpeg", size=10, file="a/p.jpg")
    fiche.followers.add(Requester.objects.create(last_name="Martin", phone="06 00 00 00 01"))
    answer = Answer.objects.create(title="Les encombrants", text="…", created_by=users["agent"])
    Use.objects.create(answer=answer, fiche=fiche, used_by=users["agent"])
    Message.objects.create(fiche=fiche, author=users["cellule-voirie"], body="Équipe passée ce matin.")
    with django_assert_num_queries(12):
        page = client.get(url).content.decode()
    for shown in ("photo.jpg", "MARTIN", "Les encombrants", "Équipe passée ce matin."):
        assert shown in page


def test_the_fiche_page_names_its_organisations_and_links_the_fiche_it_duplicates(
    as_user, make_fiche, users, django_assert_num_queries
):
    """The names of its body, directorate and cell and the original's reference come with the
    fiche's query (subqueries, not joins)."""
    from fiches.services import transition

    original = make_fiche()
    copy = make_fiche()
    transition(copy, "mark_duplicate", users["agent"], original=original)
    client = as_user("agent")
    url = reverse("fiches:detail", args=[copy.reference])
    client.get(url)  # the session renewed once
    with django_assert_num_queries(8):
        page = client.get(url).content.decode()
    for label, name in (("Collectivité compétente", copy.body.name), ("Direction", copy.directorate.name),
                        ("Cellule", copy.cell.name)):  # fmt: skip
        assert f'{label}</dt><dd class="col-sm-8">{name}</dd>' in page
    link = f'<a href="/fiches/{original.reference}/">{original.reference}</a>'
    assert f'Doublon de</dt><dd class="col-sm-8">{link}</dd>' in page
    assert (
        "Doublon de" not in client.get(reverse("fiches:detail", args=[original.reference])).content.decode()
    )


def test_an_action_reads_the_fiche_with_its_organisations_the_page_with_their_names(rf, make_fiche, users):
    """The actions use the body's calendar and the organisations' names in notices; the page
    shows the names only (fiches.views.detail._fiche)."""
    from fiches.views.detail import ACTING_RELATED, _fiche

    fiche = make_fiche()
    request = rf.get("/")
    request.user = users["agent"]
    acting, shown = _fiche(request, fiche.reference), _fiche(request, fiche.reference, acting=False)
    for relation in ACTING_RELATED:
        field = Fiche._meta.get_field(relation)
        assert field.is_cached(acting) and not field.is_cached(shown)
        assert getattr(shown, f"{relation}_name") == getattr(fiche, relation).name
