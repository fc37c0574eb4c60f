"""Letters as HTML and PDF (WeasyPrint): a French A4 letter for a window envelope."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from core.dates import french_date  # noqa: F401 - the letters' name for it, used by finance
from correspondence.branding import Signer
from portal.links import absolute

URL = re.compile(r"https?://\S+[^\s.,;:)]")


def _keep_urls_whole(line: str) -> str:
    """Escape a line and keep its web addresses on one line (no break after "https://")."""
    parts, last = [], 0
    for match in URL.finditer(line):
        parts.append(escape(line[last : match.start()]))
        parts.append(format_html('<span class="url">{}</span>', match.group()))
        last = match.end()
    parts.append(escape(line[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece escaped above


def paragraphs(text: str) -> list[list[str]]:
    """Paragraphs (separated by blank lines), each a list of escaped lines."""
    return [
        [_keep_urls_whole(line.strip()) for line in block.strip().splitlines()]
        for block in re.split(r"\n\s*\n", text.strip())
        if block.strip()
    ]


@dataclass(frozen=True)
class LetterContent:
    reference: str
    subject: str
    text: str
    recipient_lines: list[str]
    signers: list[Signer]
    day: date
    tracking_url: str
    tracking_code: str = ""


def letter_html(content: LetterContent) -> str:
    operator = content.signers[0].body
    return render_to_string(
        "correspondence/letters/letter.html",
        {
            "c": content,
            "operator": operator,
            "operator_address": [line for line in operator.address.splitlines() if line.strip()],
            "paragraphs": paragraphs(content.text),
            "date_text": french_date(content.day),
            "city": settings.LETTER_CITY,
            "cobranded": len(content.signers) > 1,
            "phone": settings.LETTER_PHONE,
            "privacy_contact": settings.PRIVACY_CONTACT,
            "privacy_url": absolute(reverse("privacy:notice")),
            "footer_bodies": [
                (s.body.name, ", ".join(line.strip() for line in s.body.address.splitlines() if line.strip()))
                for s in content.signers
            ],
        },
    )


@functools.cache
def _weasy() -> tuple[Any, dict]:
    """One font configuration and image cache per process (the logos are parsed once)."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration(), {}


def _document(html: str, **options: Any):
    from weasyprint import HTML

    font_config, cache = _weasy()
    html_doc = HTML(string=html, base_url=str(settings.BASE_DIR))
    return html_doc.render(font_config=font_config, cache=cache, **options)


def html_to_pdf(html: str, *, archive: bool = True) -> bytes:
    variant = settings.LETTER_PDF_VARIANT if archive else None
    return _document(html, pdf_variant=variant).write_pdf(pdf_variant=variant)


def batch_pdf(htmls: list[str]) -> tuple[bytes, int]:
    """One printable PDF for the post room: every letter starts on a new page."""
    documents = [_document(h) for h in htmls]
    pages = [page for document in documents for page in document.pages]
    if not documents:
        return b"", 0
    return documents[0].copy(pages).write_pdf(), len(pages)
