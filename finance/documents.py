"""The revenue order (titre de recettes) as a PDF, with the mentions of CGCT L1617-5."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string

from correspondence.branding import signer
from correspondence.letters import french_date, html_to_pdf
from finance.models import RevenueOrder


def revenue_order_html(order: RevenueOrder) -> str:
    operator = order.agreement.operator
    return render_to_string(
        "finance/documents/revenue_order.html",
        {
            "order": order,
            "operator": operator,
            "operator_signer": signer(operator),
            "operator_address": [line for line in operator.address.splitlines() if line.strip()],
            "debtor_lines": order.debtor.splitlines(),
            "issued_text": french_date(order.issued_on),
            "due_text": french_date(order.due_on),
            "city": settings.LETTER_CITY,
            "accountant": settings.REVENUE_ORDER_ACCOUNTANT,
            "payment": settings.REVENUE_ORDER_PAYMENT,
        },
    )


def revenue_order_pdf(order: RevenueOrder) -> bytes:
    return html_to_pdf(revenue_order_html(order))
