"""The fiche list's rows, read as plain values (``keyset_page(…, rows=True)``: ListRow) and
written by ``fiche_rows`` (fiches.templatetags.fiche_list): the markup the template's loop
wrote from the fiches themselves, value for value, escaped, in French."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.test.html import parse_html
from django.urls import reverse
from django.utils import timezone, translation

from fiches.models import Fiche
from fiches.selectors import LIST_RELATED, ListRow, keyset_page

pytestmark = pytest.mark.django_db

# The rows as list.html wrote them with the template's loop.
TEMPLATE_LOOP = (
    "{% load i18n display %}{% for f in fiches %}"
    "<tr>"
    '<td class="text-nowrap"><a href="{{ list_url }}{{ f.reference }}/">{{ f.reference }}</a></td>'
    "<td>{{ f.created_at|local_datetime }}</td>"
    "<td>{{ f.request_type.label }}</td>"
    "<td>{{ f.body.short_name }}</td>"
    "<td>{{ f.directorate.name }}</td>"
    "<td>{{ f.address_display }}</td>"
    '<td><span class="badge badge-status status-{{ f.status }}">{{ f.get_status_display }}</span></td>'
    "<td>{{ f.due_at|local_date }}{% if f.is_overdue %}"
    ' <span class="overdue">({% translate "overdue" %})</span>{% endif %}</td>'
    "</tr>{% endfor %}"
)


@pytest.fixture
def fiches(make_fiche) -> list[Fiche]:
    made = [
        make_fiche("VOI-NID"),
        make_fiche(
            "VOI-NID", street_number="3", street_name='rue <b>"d\'Aubagne"</b> & Cie', postal_code="13001"
        ),
        make_fiche(
            "VOI-NID", street_number="", street_name="", postal_code="", latitude=43.3, longitude=5.38
        ),
        make_fiche("ECL-LAMP"),
    ]
    Fiche.objects.filter(pk=made[0].pk).update(due_at=timezone.now() - timedelta(days=2))  # overdue
    Fiche.objects.filter(pk=made[3].pk).update(due_at=None, status="closed")
    return list(
        Fiche.objects.filter(pk__in=[f.pk for f in made])
        .select_related(*LIST_RELATED)
        .order_by("-created_at", "-id")
    )


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_rows_are_the_template_loops(fiches, language):
    rows = keyset_page(Fiche.objects.filter(pk__in=[f.pk for f in fiches]), None, rows=True).items
    assert all(isinstance(row, ListRow) for row in rows) and [r.pk for r in rows] == [f.pk for f in fiches]
    with translation.override(language):
        expected = Template(TEMPLATE_LOOP).render(Context({"fiches": fiches, "list_url": "/fiches/"}))
        written = Template("{% load fiche_list %}{% fiche_rows rows list_url %}").render(
            Context({"rows": rows, "list_url": "/fiches/"})
        )
    assert parse_html(written) == parse_html(expected)
    assert "&lt;b&gt;&quot;d&#x27;Aubagne&quot;&lt;/b&gt; &amp; Cie" in written
    assert ("(en retard)" if language == "fr" else "(overdue)") in written
    assert written.count("<tr>") == len(fiches)


def test_the_list_page_shows_its_rows_or_says_none_match(client, users, fiches):
    client.force_login(users["agent"])
    page = client.get(reverse("fiches:list")).content.decode()
    for fiche in fiches:
        assert f'<a href="/fiches/{fiche.reference}/">{fiche.reference}</a>' in page
    assert "Aucune fiche" not in page
    empty = client.get(reverse("fiches:list"), {"q": "introuvable"}).content.decode()
    assert "<tbody>" in empty and 'colspan="8"' in empty
