"""The list's filters left empty are written once (core display: ``unfilled_fields_fixed``):
the same HTML as written each time, and never for a value given, an error, another language
or other choices."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.html import escape

from core.templatetags import display
from fiches.forms import FicheFilterForm
from organisations.models import Directorate

pytestmark = pytest.mark.usefixtures("catalogue_types")

DATA = [
    None,
    {},
    {"q": "rue de Rome"},
    {"status": ["transmitted", "waiting"], "overdue": "on"},
    {"date_from": "2026-02-30", "arrondissement": "13"},
    {"sort": "due", "kind": "nope", "channel": "phone", "family": "VOI"},
]


@pytest.fixture(autouse=True)
def _nothing_kept():
    display._UNFILLED.clear()
    yield
    display._UNFILLED.clear()


def written(form: FicheFilterForm) -> dict[str, str]:
    """Every field of the list as the tags write it, checked against it written afresh."""
    form.is_valid()
    html = {}
    for field in form:
        if field.name == "status":
            kept, fresh = display.form_choices(field), display._choices_html(field)
        elif not field.is_hidden:
            kept, fresh = display.form_field(field, "col-md-3"), display._field_html(field, "col-md-3")
        else:
            continue
        assert kept == fresh
        html[field.name] = kept
    return html


@pytest.mark.parametrize("language", ["fr", "en"])
def test_each_field_is_what_it_would_be_written_afresh(language):
    body = Directorate.objects.select_related("body").first().body_id
    with translation.override(language):
        for data in [*DATA, {"body": str(body)}, *DATA]:  # the second time from what was kept
            written(FicheFilterForm(data))
    assert display._UNFILLED  # the empty ones were kept


def test_a_value_an_error_or_another_language_is_never_the_empty_field_kept():
    empty = written(FicheFilterForm({}))
    given = written(FicheFilterForm({"q": "rue de Rome", "date_from": "2026-02-30"}))
    assert 'value="rue de Rome"' in given["q"] and 'value="rue de Rome"' not in empty["q"]
    assert 'aria-invalid="true"' in given["date_from"] and "errorlist" in given["date_from"]
    assert all("errorlist" not in html for html in written(FicheFilterForm({})).values())
    with translation.override("en"):
        english = written(FicheFilterForm({}))
    with translation.override("fr"):
        french = written(FicheFilterForm({}))
    assert "All bodies" in english["body"] and "Toutes les collectivités" in french["body"]


def test_a_renamed_directorate_is_shown_at_once(django_capture_on_commit_callbacks):
    directorate = Directorate.objects.first()
    assert escape(directorate.name) in written(FicheFilterForm({}))["directorate"]
    with django_capture_on_commit_callbacks(execute=True):
        directorate.name = "Direction renommée"
        directorate.save()
    assert "Direction renommée" in written(FicheFilterForm({}))["directorate"]


def test_a_form_that_does_not_say_so_is_written_each_time():
    from django import forms

    from core.forms import StyledFormMixin

    class Form(StyledFormMixin, forms.Form):
        q = forms.CharField(required=False)

    form = Form({})
    assert display.form_field(form["q"]) == display._field_html(form["q"], "")
    assert not display._UNFILLED
