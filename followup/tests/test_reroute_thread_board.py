"""Send back, re-route, misrouting statistics, the message thread and the board."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from fiches.models import Event, Status
from fiches.services import transition
from followup import selectors, services
from followup.forms import MessageForm
from followup.models import Message


def login(client, user):
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_send_back_then_reroute_to_the_city(client, make_fiche, users, catalogue_types):
    fiche = make_fiche("VOI-NID")
    cell = login(client, users["cellule-voirie"])
    cell.post(
        reverse("followup:work", args=[fiche.reference]),
        {"do": "resolve", "resolve-outcome": "outside", "resolve-text": "C'est un lampadaire."},
    )
    fiche.refresh_from_db()
    assert fiche.status == Status.REROUTED
    assert cell.get(reverse("followup:reroute_list")).status_code == 403
    supervisor = login(client, users["superviseur"])
    page = supervisor.get(reverse("followup:reroute_list"))
    assert fiche.reference in page.content.decode() and "lampadaire" in page.content.decode()
    form = supervisor.get(reverse("followup:reroute", args=[fiche.reference]), {"q": "lampad"})
    assert "ECL-LAMP" in form.content.decode() and "VOI-NID" not in form.content.decode().split("<select")[1]
    old_due = fiche.due_at
    supervisor.post(
        reverse("followup:reroute", args=[fiche.reference]),
        {"new_type": catalogue_types["ECL-LAMP"].pk, "comment": "Éclairage public"},
    )
    fiche.refresh_from_db()
    assert fiche.status == Status.TRANSMITTED and fiche.body.short_name == "Ville"
    assert fiche.reroute_count == 1 and fiche.due_at != old_due
    event = Event.objects.get(fiche=fiche, kind=Event.Kind.REROUTE)
    assert event.data["from"]["body"] == "Métropole" and event.data["to"]["type"] == "ECL-LAMP"
    assert selectors.misrouting_stats(users["superviseur"]) == [{"data__from__type": "VOI-NID", "count": 1}]
    assert selectors.misrouting_stats(users["cellule-eclairage"])[0]["count"] == 1  # their fiche now
    assert selectors.misrouting_stats(users["cellule-proprete"]) == []
    for url in (reverse("followup:board"), reverse("followup:reroute_list")):  # each type's fiches
        assert '<a href="/fiches/?type=VOI-NID">VOI-NID</a>' in supervisor.get(url).content.decode()
    # counted over the last twelve months only (the same work however many years are kept)
    a_year_on = event.at + timedelta(days=selectors.MISROUTING_DAYS, seconds=1)
    assert selectors.misrouting_stats(users["superviseur"], now=a_year_on) == []
    assert (
        fiche.reference
        in login(client, users["cellule-eclairage"]).get(reverse("followup:queue")).content.decode()
    )
    assert (
        fiche.reference
        not in login(client, users["cellule-voirie"]).get(reverse("followup:queue")).content.decode()
    )


@pytest.mark.django_db
def test_thread_between_call_centre_and_cell(client, make_fiche, users):
    fiche = make_fiche("VOI-NID")
    url = reverse("followup:thread_post", args=[fiche.reference])
    agent = login(client, users["agent"])
    response = agent.post(url, {"body": "Le requérant a rappelé.", "next": "/suivi/"})
    assert response.status_code == 302
    cell = login(client, users["cellule-voirie"])
    response = cell.post(url, {"body": "Équipe envoyée demain."}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Le requérant a rappelé." in html and "Équipe envoyée demain." in html
    assert 'id="thread"' in html
    page = cell.get(reverse("followup:work", args=[fiche.reference]))
    assert "Le requérant a rappelé." in page.content.decode()
    other = login(client, users["cellule-eclairage"])
    assert other.post(url, {"body": "intrus"}).status_code == 404
    assert Message.objects.count() == 2


@pytest.mark.django_db
def test_thread_partial_hidden_from_users_without_the_fiche(rf, make_fiche, users):
    from django.template.loader import render_to_string

    fiche = make_fiche("VOI-NID")
    Message.objects.create(fiche=fiche, author=users["agent"], body="secret interne")
    request = rf.get("/")
    request.user = users["comite"]
    assert "secret interne" not in render_to_string("followup/_fiche_thread.html", {"fiche": fiche}, request)
    request.user = users["cellule-voirie"]
    assert "secret interne" in render_to_string("followup/_fiche_thread.html", {"fiche": fiche}, request)


@pytest.mark.django_db
def test_the_weeks_trend_counts_each_fiche_in_its_own_week(make_fiche, users):
    """Received and resolved per week, the oldest week first, each fiche in the week of its
    date (counted up to each week's end, then told apart)."""
    from fiches.models import Fiche

    now = timezone.now()
    for days in (0, 0, 8, 20, 20, 20, 60):  # 60: before the eight weeks
        make_fiche("VOI-NID", created_at=now - timedelta(days=days))
    Fiche.objects.filter(created_at__lte=now - timedelta(days=19)).update(resolved_at=now - timedelta(days=9))
    trend = selectors.weekly_trend(selectors.board_key(users["superviseur"]), now, 8)

    def week_of(days: int) -> int:
        day = timezone.localtime(now - timedelta(days=days)).date()
        return [w["week"] <= day <= w["until"] for w in trend].index(True)

    created, resolved = [0] * 8, [0] * 8
    for days in (0, 0, 8, 20, 20, 20):
        created[week_of(days)] += 1
    resolved[week_of(9)] = 4  # the three of 20 days and the one of 60
    assert [w["created"] for w in trend] == created and [w["resolved"] for w in trend] == resolved


@pytest.mark.django_db
def test_board_figures_and_scope(client, make_fiche, users, django_assert_max_num_queries):
    old = make_fiche("VOI-NID", created_at=timezone.now() - timedelta(days=40))
    make_fiche("VOI-NID")
    make_fiche("ECL-LAMP")
    done = make_fiche("PRO-DEPOT")
    transition(done, "resolve", users["cellule-proprete"], outcome="Ramassé")
    transition(old, "acknowledge", users["cellule-voirie"])
    data = selectors.board(users["superviseur"])
    assert data["totals"]["open"] == 3 and data["totals"]["overdue"] == 1
    assert data["totals"]["unacknowledged"] == 2 and data["totals"]["d30"] == 1
    assert {b["name"]: b["open"] for b in data["bodies"]} == {"Métropole": 2, "Ville": 1}
    assert sum(w["created"] for w in data["trend"]) == 4 and sum(w["resolved"] for w in data["trend"]) == 1
    manager = selectors.board(users["direction-voirie"])
    assert [b["name"] for b in manager["bodies"]] == ["Métropole"] and manager["totals"]["open"] == 2
    # its counts, compiled once, follow the clock: ten days on, the new fiches are 7 to 30 days old
    # and the road one is overdue too (five working days; the lamp has ten)
    later = selectors.board(users["superviseur"], now=timezone.now() + timedelta(days=10))["totals"]
    assert (later["d0_2"], later["d7_30"], later["d30"], later["overdue"]) == (0, 2, 1, 2)
    client = login(client, users["superviseur"])
    client.get(reverse("followup:board"))
    with django_assert_max_num_queries(12):
        page = client.get(reverse("followup:board"))
    html = page.content.decode()
    assert "trend-data" in html and "/fiches/?overdue=1" in html
    assert re.search(r"Chiffres au \d{1,2} [a-zéû]+ \d{4}, \d\d h \d\d\.", html)  # written out, in French
    assert f"/fiches/?cell={old.cell_id}&amp;overdue=1" in html
    assert login(client, users["direction-voirie"]).get(reverse("followup:board")).status_code == 200
    assert (
        "Ville"
        not in login(client, users["direction-voirie"])
        .get(reverse("followup:board"))
        .content.decode()
        .split("backlog-title")[1]
        .split("</table>")[0]
    )
    assert login(client, users["cellule-voirie"]).get(reverse("followup:board")).status_code == 403


@pytest.mark.django_db
def test_fiche_detail_page_shows_the_thread(client, make_fiche, users):
    fiche = make_fiche("VOI-NID")
    Message.objects.create(fiche=fiche, author=users["cellule-voirie"], body="Passage demain matin.")
    page = login(client, users["agent"]).get(reverse("fiches:detail", args=[fiche.reference]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Échanges entre la plateforme et la cellule" in html and "Passage demain matin." in html


@pytest.mark.django_db
def test_a_message_notifies_the_other_side(
    client, make_fiche, users, settings, django_capture_on_commit_callbacks
):
    from django.core import mail

    settings.SITE_URL = "https://allo.example.org"
    fiche = make_fiche("VOI-NID")
    url = reverse("followup:thread_post", args=[fiche.reference])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        login(client, users["agent"]).post(url, {"body": "Le requérant a rappelé."})
    assert len(mail.outbox) == 1
    to_cell = mail.outbox[0]
    assert to_cell.to == [fiche.cell.email]
    assert f"Nouveau message sur la fiche {fiche.reference}" in to_cell.subject
    assert f"https://allo.example.org/fiches/{fiche.reference}/#thread" in to_cell.body
    assert "Bonjour" in to_cell.body and "plateau" in to_cell.body
    assert "rappelé" not in to_cell.body  # the text stays in the application
    with django_capture_on_commit_callbacks(execute=True):
        login(client, users["cellule-voirie"]).post(url, {"body": "Équipe envoyée demain."})
    assert len(mail.outbox) == 2
    to_call_centre = mail.outbox[1]
    assert users["superviseur"].email in to_call_centre.to
    assert fiche.cell.email not in to_call_centre.to
    assert fiche.cell.name in to_call_centre.body


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["0001-01-01", "²", "https://example.org/", "//example.org/"])
def test_thread_post_goes_back_only_to_a_path_of_the_site(client, make_fiche, users, target):
    fiche = make_fiche("VOI-NID")
    client.force_login(users["cellule-voirie"])
    url = reverse("followup:thread_post", args=[fiche.reference])
    response = client.post(url, {"body": "Merci", "next": target})
    assert response.status_code == 302 and response.url.startswith(f"/fiches/{fiche.reference}/")


@pytest.mark.django_db
def test_thread_message_over_its_maximum_length_says_so(client, make_fiche, users):
    fiche = make_fiche("VOI-NID")
    client.force_login(users["cellule-voirie"])
    url = reverse("followup:thread_post", args=[fiche.reference])
    typed = "<b>Rappel</b> " + "x" * 4000
    response = client.post(url, {"body": typed}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "au plus 4000 caractères" in html
    assert ">&lt;b&gt;Rappel&lt;/b&gt; xxx" in html, "what was typed is given back, escaped"
    response = client.post(url, {"body": "Passage demain."}, HTTP_HX_REQUEST="true")
    assert "Passage demain." in response.content.decode()
    assert "required></textarea>" in response.content.decode(), "once posted, the box is empty"


@pytest.mark.django_db
def test_thread_message_refused_without_javascript_comes_back_on_the_fiche_page(client, make_fiche, users):
    """No htmx: the fiche page again (400), the error and what was typed in the thread's box,
    escaped; its form goes back to the page the message was written on."""
    fiche = make_fiche("VOI-NID")
    client.force_login(users["cellule-voirie"])
    url = reverse("followup:thread_post", args=[fiche.reference])
    work = reverse("followup:work", args=[fiche.reference])
    typed = "<b>Rappel</b> " + "x" * 4000
    response = client.post(url, {"body": typed, "next": work})
    assert response.status_code == 400
    html = response.content.decode()
    thread = html[html.index('id="thread"') :]
    assert escape(MessageForm({"body": typed}).errors["body"][0]) in thread
    assert ">&lt;b&gt;Rappel&lt;/b&gt; xxx" in thread, "what was typed is given back, escaped"
    assert f'name="next" value="{work}"' in thread
    assert not Message.objects.filter(fiche=fiche).exists()
    response = client.post(url, {"body": "Passage demain.", "next": work})
    assert response.status_code == 302 and response.url == f"{work}#thread"


@pytest.mark.django_db
def test_thread_on_a_fiche_page_shown_again_by_a_refused_note_goes_back_to_the_fiche(
    client, make_fiche, users
):
    fiche = make_fiche("VOI-NID")
    client.force_login(users["cellule-voirie"])
    response = client.post(reverse("fiches:note", args=[fiche.reference]), {"comment": ""})
    assert response.status_code == 400
    detail = reverse("fiches:detail", args=[fiche.reference])
    assert f'name="next" value="{detail}"' in response.content.decode()


@pytest.mark.django_db
def test_thread_message_of_someone_no_longer_allowed_says_so_on_the_fiche_page(
    client, make_fiche, users, monkeypatch
):
    fiche = make_fiche("VOI-NID")
    client.force_login(users["cellule-voirie"])

    def refuse(*args: object) -> None:
        raise PermissionDenied("refused for the test")

    monkeypatch.setattr(services, "post_message", refuse)
    response = client.post(reverse("followup:thread_post", args=[fiche.reference]), {"body": "Merci"})
    assert response.status_code == 403
    assert "refused for the test" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("page_fiche", ["as_it_was", "as_it_is_now"])
def test_thread_message_of_someone_no_longer_allowed_says_so_in_place_of_the_box_with_htmx(
    client, make_fiche, users, monkeypatch, page_fiche
):
    """The fiche went to another cell just as the message was sent (the view's copy of the
    fiche as read before, or as it is now): htmx gets the error, translated, in a box it swaps
    in place of the thread's (htmx swaps 2xx answers only), and neither the thread's messages
    nor its form."""
    from django.utils import translation

    from fiches.models import Fiche

    fiche = make_fiche("VOI-NID")
    Message.objects.create(fiche=fiche, author=users["agent"], body="secret interne")
    elsewhere = make_fiche("ECL-LAMP")
    post_message = services.post_message

    def moved_meanwhile(fiche: Fiche, user: object, body: str) -> Message:
        moved = {"cell_id": elsewhere.cell_id, "directorate_id": elsewhere.directorate_id}
        Fiche.objects.filter(pk=fiche.pk).update(**moved, body_id=elsewhere.body_id)
        if page_fiche == "as_it_is_now":
            fiche.refresh_from_db()
        return post_message(fiche, user, body)

    monkeypatch.setattr(services, "post_message", moved_meanwhile)
    client.force_login(users["cellule-voirie"])
    url = reverse("followup:thread_post", args=[fiche.reference])
    response = client.post(url, {"body": "Merci"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    with translation.override(response["Content-Language"]):
        refused = re.escape(escape(translation.gettext("You may not do this on this fiche.")))
    alert = rf'<div class="alert alert-danger[^"]*" role="alert">{refused}</div>'
    box = rf'\s*<section [^>]*id="thread"[^>]*>.*{alert}\s*</div>\s*</section>\s*'
    assert re.fullmatch(box, html, re.S), "the error alone, in a box that takes the thread's place"
    assert "secret interne" not in html and "<form" not in html and "Merci" not in html
    assert not Message.objects.filter(body="Merci").exists()


def test_committee_members_get_the_board_figures_without_any_fiche(
    client, make_fiche, users, requester_factory
):
    """Issue 11: committee members see the board's figures over both bodies, never a fiche,
    a link to a fiche list, a reference or personal data."""
    caller = requester_factory("phone", first_name="Gisèle", last_name="Barbier", phone="0611223344")
    old = make_fiche("VOI-NID", created_at=timezone.now() - timedelta(days=40), requester=caller)
    make_fiche("ECL-LAMP", requester=caller, street_name="boulevard Longchamp")
    supervisor = selectors.board(users["superviseur"])
    committee = selectors.board(users["comite"])
    assert committee["totals"] == supervisor["totals"] and committee["totals"]["open"] == 2
    assert {b["name"]: b["open"] for b in committee["bodies"]} == {"Métropole": 1, "Ville": 1}
    page = login(client, users["comite"]).get(reverse("followup:board"))
    html = page.content.decode().split("<main")[1]
    assert page.status_code == 200 and "trend-data" in html
    for secret in (
        "/fiches/",
        "AM-20",
        "Barbier",
        "Gisèle",
        "0611223344",
        "Longchamp",
        "rue Paradis",
        "/a-reorienter/",
    ):
        assert secret not in html, secret
    assert old.reference not in html


@pytest.mark.django_db
def test_a_refused_rerouting_answers_400_or_409_and_keeps_what_was_typed(
    client, make_fiche, users, catalogue_types
):
    """A type not chosen: 400; someone changed the fiche since the page was shown: 409. The
    page comes back with the comment typed, and the fiche is not re-routed."""
    fiche = make_fiche("VOI-NID")
    cell = login(client, users["cellule-voirie"])
    cell.post(
        reverse("followup:work", args=[fiche.reference]),
        {"do": "resolve", "resolve-outcome": "outside", "resolve-text": "C'est un lampadaire."},
    )
    supervisor = login(client, users["superviseur"])
    url = reverse("followup:reroute", args=[fiche.reference])
    refused = supervisor.post(url, {"new_type": "", "comment": "Éclairage <public>"})
    assert refused.status_code == 400 and "Éclairage &lt;public&gt;" in refused.content.decode()
    fiche.refresh_from_db()
    stale = {
        "new_type": catalogue_types["ECL-LAMP"].pk,
        "comment": "Éclairage",
        "expected_version": fiche.lock_version + 1,
    }
    assert supervisor.post(url, stale).status_code == 409
    fiche.refresh_from_db()
    assert fiche.status == Status.REROUTED and fiche.reroute_count == 0


@pytest.mark.django_db
def test_a_note_on_a_fiche_changed_meanwhile_answers_409(client, make_fiche, users):
    fiche = make_fiche("VOI-NID")
    client.force_login(users["cellule-voirie"])
    stale = {"comment": "Vu sur place.", "expected_version": fiche.lock_version + 1}
    response = client.post(reverse("fiches:note", args=[fiche.reference]), stale)
    assert response.status_code == 409 and "Vu sur place." in response.content.decode()


@pytest.mark.django_db
def test_the_fiches_to_re_route_are_paged_in_constant_queries(
    client, make_fiche, users, django_assert_num_queries
):
    """Every fiche sent back is on one page or the next, the least recently changed first, each
    page in the same queries (the list stopped at 200 before, without a word)."""
    from fiches.models import Fiche

    fiches = [make_fiche("VOI-NID") for _ in range(53)]
    start = timezone.now() - timedelta(days=10)
    for n, fiche in enumerate(fiches):  # sent back in turn, by two at the same moment
        sent_back = start + timedelta(hours=(n + 1) // 2)  # the 50th and 51st together
        Fiche.objects.filter(pk=fiche.pk).update(status=Status.REROUTED, updated_at=sent_back)
    expected = [f.reference for f in fiches]
    supervisor = login(client, users["superviseur"])
    url = reverse("followup:reroute_list")
    supervisor.get(url)  # the session renewed once

    def listed(html: str) -> list[str]:
        return re.findall(r'<th scope="row">(AM-[\d-]+)</th>', html)

    with django_assert_num_queries(6) as first_page:
        html = supervisor.get(url).content.decode()
    assert listed(html) == expected[:50] and "53 fiches en attente." in html
    cursor = re.search(r'href="\?after=([\w-]+)"', html).group(1)
    with django_assert_num_queries(len(first_page.captured_queries)):
        html = supervisor.get(url, {"after": cursor}).content.decode()
    assert listed(html) == expected[50:] and 'href="?after=' not in html and 'href="?"' in html
    for garbled in ("x", "1_x", "9" * 30 + "_1", "-5_-5"):
        assert listed(supervisor.get(url, {"after": garbled}).content.decode()) == expected[:50], garbled
