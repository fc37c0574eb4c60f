"""The revenue order (titre de recettes) as a PDF, with the mentions of CGCT L1617-5."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.template.loader import render_to_string

from agreements import dates
from agreements.models import Agreement
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


def renewal_letter_html(agreement: Agreement, day: date) -> str:
    operator, partner = agreement.operator, agreement.partner
    year = agreement.years_agreed
    return render_to_string(
        "finance/documents/renewal_letter.html",
        {
            "agreement": agreement,
            "operator": operator,
            "partner": partner,
            "operator_signer": signer(operator),
            "partner_signer": signer(partner),
            "signers": [signer(operator), signer(partner)],
            "operator_address": [line for line in operator.address.splitlines() if line.strip()],
            "partner_address": [line for line in partner.address.splitlines() if line.strip()],
            "date_text": french_date(day),
            "term_text": french_date(agreement.year(year).end),
            "next_start_text": french_date(dates.anniversary(agreement.notified_on, year)),
            "next_end_text": french_date(dates.convention_year(agreement.notified_on, year + 1).end),
            "notified_text": french_date(agreement.notified_on),
            "city": settings.LETTER_CITY,
        },
    )


def renewal_letter_pdf(agreement: Agreement, day: date) -> bytes:
    return html_to_pdf(renewal_letter_html(agreement, day))
