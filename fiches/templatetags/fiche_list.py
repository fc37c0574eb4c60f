"""The fiche list's rows, written in Python: through the template's loop, a page of fifty rows
(eleven values each, escaped, two dates) cost more than reading them (docs/performance.md)."""

from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from core.forms import html_text
from core.templatetags.display import local_date, local_datetime
from fiches.selectors import ListRow

register = template.Library()


@register.simple_tag
def fiche_rows(fiches: Iterable[ListRow], list_url: str) -> SafeString:
    """One ``<tr>`` a fiche: its reference linked under ``list_url``, created, type, body,
    directorate, address, status and due date (with "overdue" when it is)."""
    url = html_text(list_url)
    overdue = ""
    rows = []
    for fiche in fiches:
        late = ""
        if fiche.is_overdue:
            overdue = overdue or f' <span class="overdue">({html_text(gettext("overdue"))})</span>'
            late = overdue
        reference = html_text(fiche.reference)
        rows.append(
            "<tr>"
            f'<td class="text-nowrap"><a href="{url}{reference}/">{reference}</a></td>'
            f"<td>{local_datetime(fiche.created_at)}</td>"
            f"<td>{html_text(fiche.type_label)}</td>"
            f"<td>{html_text(fiche.body_name)}</td>"
            f"<td>{html_text(fiche.directorate_name)}</td>"
            f"<td>{html_text(fiche.address_display)}</td>"
            f'<td><span class="badge badge-status status-{html_text(fiche.status)}">'
            f"{html_text(fiche.get_status_display())}</span></td>"
            f"<td>{local_date(fiche.due_at)}{late}</td>"
            "</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value escaped above
