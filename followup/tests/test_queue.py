"""The cell's work queue: isolation, order, counters, filters, saved views, bulk actions."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from fiches.models import Event, Status
from fiches.services import add_note, transition
from followup.models import Hold, Intervention, SavedView


def login(client, user):
    client.force_login(user)
    return client


def notes(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.django_db
def test_queue_shows_only_the_cells_own_fiches(client, make_fiche, users):
    voirie = make_fiche("VOI-NID")
    proprete = make_fiche("PRO-DEPOT")
    city = make_fiche("ECL-LAMP")
    page = login(client, users["cellule-voirie"]).get(reverse("followup:queue"))
    content = page.content.decode()
    assert voirie.reference in content
    assert proprete.reference not in content and city.reference not in content
    # the directorate manager sees the same queue; the City cell not at all
    page = login(client, users["direction-voirie"]).get(reverse("followup:queue"))
    assert voirie.reference in page.content.decode()
    page = login(client, users["cellule-eclairage"]).get(reverse("followup:queue"))
    assert city.reference in page.content.decode() and voirie.reference not in page.content.decode()


@pytest.mark.django_db
def test_queue_forbidden_to_agents_and_committee(client, users):
    assert login(client, users["agent"]).get(reverse("followup:queue")).status_code == 403
    assert login(client, users["comite"]).get(reverse("followup:queue")).status_code == 403


@pytest.mark.django_db
def test_supervisor_picks_a_cell(client, make_fiche, users):
    fiche = make_fiche("VOI-NID")
    client = login(client, users["superviseur"])
    assert fiche.reference not in client.get(reverse("followup:queue")).content.decode()
    page = client.get(reverse("followup:queue"), {"cell": fiche.cell_id})
    assert fiche.reference in page.content.decode()


@pytest.mark.django_db
def test_order_unacknowledged_first_then_due_date_and_counters(client, make_fiche, users):
    old = make_fiche("VOI-NID", created_at=timezone.now() - timedelta(days=20))
    acked = make_fiche("VOI-NID", created_at=timezone.now() - timedelta(days=30))
    transition(acked, "acknowledge", users["cellule-voirie"])
    waiting = make_fiche("VOI-NID")
    transition(waiting, "acknowledge", users["cellule-voirie"])
    transition(waiting, "wait", users["cellule-voirie"], comment="Attente concessionnaire")
    fresh = make_fiche("VOI-NID")
    page = login(client, users["cellule-voirie"]).get(reverse("followup:queue"))
    refs = [f.reference for f in page.context["page"].items]
    assert refs == [old.reference, fresh.reference, acked.reference, waiting.reference]
    assert page.context["counters"] == {"new": 2, "due_today": 0, "overdue": 2, "waiting": 1, "total": 4}
    overdue = client.get(reverse("followup:queue"), {"due": "overdue"})
    assert {f.reference for f in overdue.context["page"].items} == {old.reference, acked.reference}
    unack = client.get(reverse("followup:queue"), {"status": "unacknowledged"})
    assert {f.reference for f in unack.context["page"].items} == {old.reference, fresh.reference}


@pytest.mark.django_db
def test_queue_pages_with_constant_queries(client, make_fiche, users, django_assert_max_num_queries):
    for _ in range(7):
        make_fiche("VOI-NID")
    client = login(client, users["cellule-voirie"])
    from followup import selectors

    base = selectors.queue_base(users["cellule-voirie"])
    first = selectors.queue_page(base, None, size=3)
    second = selectors.queue_page(base, first.next_cursor, size=3)
    third = selectors.queue_page(base, second.next_cursor, size=3)
    refs = [f.reference for f in first.items + second.items + third.items]
    assert len(refs) == len(set(refs)) == 7 and third.next_cursor is None
    client.get(reverse("followup:queue"))  # warm the session and scope
    with django_assert_max_num_queries(12):
        client.get(reverse("followup:queue"))
    for _ in range(20):
        make_fiche("VOI-NID")
    with django_assert_max_num_queries(12):
        client.get(reverse("followup:queue"))


@pytest.mark.django_db
def test_saved_views(client, users):
    client = login(client, users["cellule-voirie"])
    client.post(reverse("followup:view_create"), {"name": "Retards", "querystring": "due=overdue"})
    view = SavedView.objects.get(user=users["cellule-voirie"])
    assert view.querystring == "due=overdue"
    page = client.get(reverse("followup:queue"))
    assert "Retards" in page.content.decode()
    login(client, users["cellule-eclairage"])
    client.post(reverse("followup:view_delete", args=[view.pk]))
    assert SavedView.objects.filter(pk=view.pk).exists()  # not theirs


@pytest.mark.django_db
def test_bulk_acknowledge_reports_refusals_and_never_touches_another_body(client, make_fiche, users):
    a = make_fiche("VOI-NID")
    b = make_fiche("VOI-NID")
    transition(b, "acknowledge", users["cellule-voirie"])  # already acknowledged: refused
    city = make_fiche("ECL-LAMP")
    client = login(client, users["cellule-voirie"])
    response = client.post(
        reverse("followup:bulk"), {"fiche": [a.pk, b.pk, city.pk], "action": "acknowledge"}
    )
    texts = notes(response)
    a.refresh_from_db()
    city.refresh_from_db()
    assert a.status == Status.ACKNOWLEDGED
    assert city.status == Status.TRANSMITTED
    assert any(a.reference in t and t.startswith("Fait") for t in texts)
    assert any(t.startswith(f"{b.reference} non traitée") for t in texts)
    assert any("hors de votre périmètre" in t for t in texts)
    assert not any(city.reference in t for t in texts)


@pytest.mark.django_db
def test_bulk_resolve_and_schedule(client, make_fiche, users):
    a = make_fiche("VOI-NID")
    b = make_fiche("VOI-NID")
    client = login(client, users["cellule-voirie"])
    day = timezone.localdate() + timedelta(days=3)
    client.post(reverse("followup:bulk"), {"fiche": [a.pk, b.pk], "action": "schedule", "planned_for": day})
    assert Intervention.objects.filter(planned_for=day).count() == 2
    assert Event.objects.filter(
        fiche=a, kind=Event.Kind.NOTE, public=True, comment__contains="Intervention prévue le"
    ).exists()
    response = client.post(
        reverse("followup:bulk"),
        {"fiche": [a.pk, b.pk], "action": "resolve", "outcome": "fixed", "text": "Chaussée refaite."},
    )
    assert all(t.startswith("Fait") for t in notes(response))
    a.refresh_from_db()
    assert a.status == Status.RESOLVED and a.outcome == "Chaussée refaite."


@pytest.mark.django_db
def test_bulk_resolve_not_fixable_needs_the_reason(client, make_fiche, users):
    a = make_fiche("VOI-NID")
    client = login(client, users["cellule-voirie"])
    response = client.post(
        reverse("followup:bulk"), {"fiche": [a.pk], "action": "resolve", "outcome": "not_fixable"}
    )
    assert any("non traitée" in t for t in notes(response))
    a.refresh_from_db()
    assert a.status == Status.TRANSMITTED


@pytest.mark.django_db
def test_work_page_hold_with_expected_date_and_resolutions(client, make_fiche, users):
    fiche = make_fiche("VOI-NID")
    client = login(client, users["cellule-voirie"])
    url = reverse("followup:work", args=[fiche.reference])
    client.post(url, {"do": "acknowledge"})
    expected = timezone.localdate() + timedelta(days=10)
    client.post(
        url, {"do": "hold", "hold-reason": "Attente du concessionnaire", "hold-expected_on": expected}
    )
    fiche.refresh_from_db()
    assert fiche.status == Status.WAITING
    assert Hold.objects.get(fiche=fiche).expected_on == expected
    client.post(url, {"do": "note", "note-text": "Passage prévu", "note-public": "on"})
    assert Event.objects.filter(fiche=fiche, kind=Event.Kind.NOTE, public=True).exists()
    response = client.post(url, {"do": "resolve", "resolve-outcome": "not_fixable", "resolve-text": ""})
    assert response.status_code == 400  # reason missing: form shown again
    client.post(url, {"do": "resolve", "resolve-outcome": "not_fixable", "resolve-text": "Voie privée."})
    fiche.refresh_from_db()
    assert fiche.status == Status.RESOLVED and fiche.outcome == "Voie privée."


@pytest.mark.django_db
def test_work_page_of_another_body_is_404(client, make_fiche, users):
    city = make_fiche("ECL-LAMP")
    client = login(client, users["cellule-voirie"])
    url = reverse("followup:work", args=[city.reference])
    assert client.get(url).status_code == 404
    assert client.post(url, {"do": "acknowledge"}).status_code == 404
    city.refresh_from_db()
    assert city.status == Status.TRANSMITTED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("refusal", "status"),
    [("form", 400), ("permission", 403), ("someone_else", 409)],
)
def test_work_page_answers_a_refused_form_with_a_4xx_keeping_what_was_typed(
    client, make_fiche, users, monkeypatch, refusal, status
):
    """As the fiche page: 400 for what was typed, 403 when the user may not, 409 when the fiche
    changed meanwhile; each time the work page again with the typed values and the error."""
    from django.core.exceptions import PermissionDenied

    from followup import services

    fiche = make_fiche("VOI-NID")
    transition(fiche, "acknowledge", users["cellule-voirie"])
    client = login(client, users["cellule-voirie"])
    url = reverse("followup:work", args=[fiche.reference])
    shown = hidden_fields(client.get(url).content.decode(), "hold")
    typed = {"do": "hold", "hold-reason": "Attente <b>GRDF</b>", "hold-expected_on": "2099-01-15"}
    if refusal == "form":
        typed["hold-expected_on"] = "2099-02-30"
    elif refusal == "permission":

        def withdrawn(*args: object, **kwargs: object) -> None:
            raise PermissionDenied("refused for the test")

        monkeypatch.setattr(services, "put_on_hold", withdrawn)
    else:
        add_note(fiche, users["agent"], "Le requérant a rappelé.", public=False)
    response = client.post(url, {**shown, **typed})
    assert response.status_code == status
    html = response.content.decode()
    assert 'id="hold-title"' in html, "the work page, not an error page"
    assert ">\nAttente &lt;b&gt;GRDF&lt;/b&gt;</textarea>" in html, "what was typed is given back, escaped"
    assert len(notes(response)) == 1
    fiche.refresh_from_db()
    assert fiche.status == Status.ACKNOWLEDGED and not Hold.objects.exists()


def hidden_fields(page: str, button: str) -> dict[str, str]:
    """The hidden inputs of the page's form whose submit button has ``value=button``."""
    for form in re.findall(r"<form method=\"post\".*?</form>", page, re.S):
        if f'value="{button}"' in form:
            return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    raise AssertionError(f"no form with the {button} button")


@pytest.mark.django_db
@pytest.mark.parametrize("do", ["hold", "schedule"])
def test_work_page_forms_are_refused_after_someone_else_changed_the_fiche(client, make_fiche, users, do):
    fiche = make_fiche("VOI-NID")
    transition(fiche, "acknowledge", users["cellule-voirie"])
    client = login(client, users["cellule-voirie"])
    url = reverse("followup:work", args=[fiche.reference])
    shown = hidden_fields(client.get(url).content.decode(), do)
    add_note(fiche, users["agent"], "Le requérant a rappelé.", public=False)  # meanwhile
    day = timezone.localdate() + timedelta(days=5)
    fields = {"hold-reason": "Attente", "hold-expected_on": day, "schedule-planned_for": day}
    response = client.post(url, {**shown, **fields, "do": do})
    assert response.status_code == 409
    assert "Quelqu'un a modifié cette fiche entre-temps." in " ".join(notes(response))
    fiche.refresh_from_db()
    assert fiche.status == Status.ACKNOWLEDGED
    assert not Hold.objects.exists() and not Intervention.objects.exists()
    response = client.post(url, {**hidden_fields(response.content.decode(), do), **fields, "do": do})
    assert response.status_code == 302
    assert Hold.objects.exists() or Intervention.objects.exists()


@pytest.mark.django_db
def test_bulk_action_refuses_a_fiche_changed_since_the_queue_was_shown(client, make_fiche, users):
    a = make_fiche("VOI-NID")
    b = make_fiche("VOI-NID")
    client = login(client, users["cellule-voirie"])
    page = client.get(reverse("followup:queue")).content.decode()
    shown = dict(re.findall(r'<input type="hidden" name="(version-\d+)" value="(\d+)"', page))
    assert set(shown) == {f"version-{a.pk}", f"version-{b.pk}"}
    add_note(b, users["agent"], "Le requérant a rappelé.", public=False)  # meanwhile
    response = client.post(
        reverse("followup:bulk"), {**shown, "fiche": [a.pk, b.pk], "action": "acknowledge"}
    )
    texts = notes(response)
    assert any(t.startswith(f"{b.reference} non traitée") for t in texts)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status) == (Status.ACKNOWLEDGED, Status.TRANSMITTED)


@pytest.mark.django_db
def test_queue_row_acknowledge_button_is_refused_after_a_change(client, make_fiche, users):
    fiche = make_fiche("VOI-NID")
    client = login(client, users["cellule-voirie"])
    page = client.get(reverse("followup:queue")).content.decode()
    shown = dict(re.findall(r'<input type="hidden" name="(version-\d+)" value="(\d+)"', page))
    add_note(fiche, users["agent"], "Le requérant a rappelé.", public=False)  # meanwhile
    row_button = reverse("followup:work", args=[fiche.reference])
    client.post(row_button, {**shown, "do": "acknowledge"})
    fiche.refresh_from_db()
    assert fiche.status == Status.TRANSMITTED


@pytest.mark.django_db
@pytest.mark.parametrize("cell", ["²", "9" * 30, "-1"])
def test_queue_ignores_a_cell_that_is_not_an_id(client, users, cell):
    response = login(client, users["superviseur"]).get(reverse("followup:queue"), {"cell": cell})
    assert response.status_code == 200 and response.context["needs_cell"]


@pytest.mark.django_db
def test_bulk_ignores_ids_that_are_not_ids(client, make_fiche, users):
    a = make_fiche("VOI-NID")
    client = login(client, users["cellule-voirie"])
    response = client.post(
        reverse("followup:bulk"), {"fiche": ["²", "9" * 30, a.pk], "action": "acknowledge", "next": "²"}
    )
    a.refresh_from_db()
    assert response.status_code == 302 and response.url == reverse("followup:queue")
    assert a.status == Status.ACKNOWLEDGED


@pytest.mark.django_db
@pytest.mark.parametrize("version", ["²", "9" * 30])
def test_work_page_refuses_a_version_that_is_not_a_number(client, make_fiche, users, version):
    """A garbled version is not taken for "no version": the change is refused, nothing is lost."""
    fiche = make_fiche("VOI-NID")
    client = login(client, users["cellule-voirie"])
    url = reverse("followup:work", args=[fiche.reference])
    response = client.post(url, {"do": "acknowledge", "expected_version": version})
    fiche.refresh_from_db()
    assert response.status_code == 400 and fiche.status == Status.TRANSMITTED
    assert any("version" in t and "pas valide" in t for t in notes(response))
    # without any version (a form that sends none), the action is done
    response = client.post(url, {"do": "acknowledge"})
    fiche.refresh_from_db()
    assert response.status_code == 302 and fiche.status == Status.ACKNOWLEDGED


@pytest.mark.django_db
def test_saved_view_name_too_long_says_so(client, users):
    response = login(client, users["cellule-voirie"]).post(
        reverse("followup:view_create"), {"name": "x" * 81, "querystring": "due=overdue"}
    )
    assert any("au plus 80 caractères" in t for t in notes(response))
    assert not SavedView.objects.exists()
