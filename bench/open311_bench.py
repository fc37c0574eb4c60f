"""Benchmark of Open311 GET requests on a year of data (about 200,000 fiches), or several
sizes side by side.

    .venv/bin/python bench/open311_bench.py                          # SQLite, a year
    .venv/bin/python bench/open311_bench.py --fiches 200000 1000000  # one year, then five
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/allo_bench .venv/bin/python bench/open311_bench.py

SQLite uses its own file (/tmp/allo-mairie-bench-open311.sqlite3). The first size is the most
recent year (generated); each next size adds the years before it (copies, all closed:
bench/common.top_up). At each size, in the same run, GET requests (the 100 newest, in JSON
and XML; filtered by service and dates) against a bare baseline doing the equivalent single
SQL query, and the ratios (target: within 3× the baseline, and the last size within 1.3×
the first).
"""

from __future__ import annotations

import argparse
from datetime import UTC, timedelta

from common import at_each_size, median_ms, setup_django, side_by_side, size_arguments


def measure(repeat: int) -> dict[str, tuple[float, float]]:
    from django.test import Client
    from django.utils import timezone

    from fiches.models import Fiche

    total = Fiche.objects.count()
    public = Fiche.objects.filter(request_type__public_channel=True).count()
    print(f"  measured at {total} fiches, {public} of types open to the public channel:", flush=True)
    client = Client()

    def get(url, params=None):
        response = client.get(url, params or {})
        assert response.status_code == 200, response.content[:300]

    end = timezone.now().astimezone(UTC)
    start = end - timedelta(days=60)
    filters = {
        "service_code": "NET-DEPOT",
        "start_date": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "end_date": end.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    newest = {"page_size": "100"}
    base_newest = median_ms(lambda: get("/bench/bare-requests/"), repeat)
    json_newest = median_ms(lambda: get("/open311/v2/requests.json", newest), repeat)
    xml_newest = median_ms(lambda: get("/open311/v2/requests.xml", newest), repeat)
    base_filtered = median_ms(lambda: get("/bench/bare-requests/", filters), repeat)
    json_filtered = median_ms(
        lambda: get("/open311/v2/requests.json", {**filters, "page_size": "100"}), repeat
    )
    results = {
        "GET requests.json (100 newest)": (json_newest, base_newest),
        "GET requests.xml (100 newest)": (xml_newest, base_newest),
        "GET requests.json service+dates": (json_filtered, base_filtered),
    }
    for name, (page, base) in results.items():
        print(f"    {name:<34}{page:10.1f} ms   bare {base:8.1f} ms   {page / base:6.2f}×", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    size_arguments(parser, repeat=30)
    args = parser.parse_args()
    setup_django(default_db="sqlite:////tmp/allo-mairie-bench-open311.sqlite3", urlconf="bench.open311_urls")

    from django.db import connection

    from catalogue.demo import load_demo_nomenclature
    from organisations.demo import create_organisations, create_users

    bodies = create_organisations()
    create_users(bodies)
    load_demo_nomenclature()
    sizes = sorted(args.fiches)
    print(f"database: {connection.vendor}")
    measured = {}
    for size in at_each_size(args):
        measured[size] = measure(args.repeat)
    ok = side_by_side(measured, dict.fromkeys(measured[sizes[0]], 3))
    print("\nall targets met" if ok else "\nsome targets missed")


if __name__ == "__main__":
    main()
