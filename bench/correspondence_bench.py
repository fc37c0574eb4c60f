"""Letters benchmark: a post-room batch of 1,000 letters.

Measures, in the same run, (1) rendering the letters' HTML only (the baseline),
(2) one archived PDF/A-3b copy per letter, as kept with each fiche, and (3) the single
printable batch PDF for the post room, and prints letters per second and the ratios.

    .venv/bin/python bench/correspondence_bench.py [--count 1000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allo_mairie.settings")

import django  # noqa: E402

django.setup()

from common import record  # noqa: E402

from correspondence import branding, letters  # noqa: E402
from correspondence.defaults import DEFAULT_TEMPLATES  # noqa: E402
from correspondence.templating import SAMPLE, render  # noqa: E402
from organisations.demo import CITY, METROPOLE  # noqa: E402
from organisations.models import Body  # noqa: E402


def contents(count: int) -> list[letters.LetterContent]:
    city, metro = Body(pk=1, **CITY), Body(pk=2, **METROPOLE)
    operator_only = [branding.signer(city)]
    cobranded = [branding.signer(city), branding.signer(metro)]
    moments = list(DEFAULT_TEMPLATES)
    result = []
    for n in range(count):
        moment = DEFAULT_TEMPLATES[moments[n % len(moments)]]
        fields = {**SAMPLE, "reference": f"AM-2026-{n:06d}", "requester_name": f"Mme Alice DURAND {n}"}
        result.append(
            letters.LetterContent(
                reference=fields["reference"],
                subject=render(moment["subject"], fields, html=False),
                text=render(moment["body"], fields, html=False),
                recipient_lines=[fields["requester_name"], f"{n % 200 + 1} rue Paradis", "13006 MARSEILLE"],
                signers=cobranded if n % 2 else operator_only,
                day=date(2026, 3, 10),
                tracking_url="https://allo-mairie.example.org/suivre/",
            )
        )
    return result


def timed(label: str, func):
    start = time.perf_counter()
    value = func()
    elapsed = time.perf_counter() - start
    print(f"{label:<42} {elapsed:8.2f} s")
    return value, elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    count = parser.parse_args().count
    items = contents(count)
    print(f"{count} letters (half co-branded), WeasyPrint, one process\n")
    htmls, t_html = timed("HTML only (baseline)", lambda: [letters.letter_html(c) for c in items])
    pdfs, t_pdf = timed("archived PDF/A-3b copy per letter", lambda: [letters.html_to_pdf(h) for h in htmls])
    (batch, pages), t_batch = timed("one printable batch PDF", lambda: letters.batch_pdf(htmls))
    print()
    print(f"{'HTML only':<42} {count / t_html:8.1f} letters/s")
    print(f"{'PDF/A per letter (HTML included)':<42} {count / (t_html + t_pdf):8.1f} letters/s")
    print(f"{'batch PDF (HTML included)':<42} {count / (t_html + t_batch):8.1f} letters/s")
    print(
        f"{'whole daily run (HTML + copies + batch)':<42} {count / (t_html + t_pdf + t_batch):8.1f} letters/s"
    )
    print()
    print(f"ratio PDF/A per letter / HTML only: {t_pdf / t_html:8.1f}x")
    record(f"{count} archived PDF/A letters", t_pdf, t_html, float("inf"), "s")
    record(f"batch PDF of {count} letters", t_batch, t_html, float("inf"), "s")
    print(f"ratio batch PDF / HTML only:        {t_batch / t_html:8.1f}x")
    print(
        f"batch: {pages} pages, {len(batch) / 1e6:.1f} MB; "
        f"mean archived copy {sum(map(len, pdfs)) / count / 1e3:.0f} kB"
    )


if __name__ == "__main__":
    main()
