"""Benchmark of Open311 GET requests on a year of data (about 200,000 fiches).

    .venv/bin/python bench/open311_bench.py            # SQLite (/tmp/allo-mairie-bench.sqlite3)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/allo_bench .venv/bin/python bench/open311_bench.py

Measures, in one run, GET requests (the 100 newest, in JSON and XML; filtered by service and
dates) against a bare baseline doing the equivalent single SQL query, and prints the ratios
(target: within 3× the baseline).
"""

from __future__ import annotations

import argparse
from datetime import UTC, timedelta

from common import median_ms, report, setup_django, top_up_fiches


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fiches", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    setup_django(urlconf="bench.open311_urls")

    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from catalogue.demo import load_demo_nomenclature
    from fiches.models import Fiche
    from organisations.demo import create_organisations, create_users

    bodies = create_organisations()
    create_users(bodies)
    load_demo_nomenclature()
    total = top_up_fiches(args.fiches)
    public = Fiche.objects.filter(request_type__public_channel=True).count()
    print(f"database: {connection.vendor}, {total} fiches, {public} of types open to the public channel")

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
    base_newest = median_ms(lambda: get("/bench/bare-requests/"), args.repeat)
    json_newest = median_ms(lambda: get("/open311/v2/requests.json", newest), args.repeat)
    xml_newest = median_ms(lambda: get("/open311/v2/requests.xml", newest), args.repeat)
    base_filtered = median_ms(lambda: get("/bench/bare-requests/", filters), args.repeat)
    json_filtered = median_ms(
        lambda: get("/open311/v2/requests.json", {**filters, "page_size": "100"}), args.repeat
    )

    print()
    ok = report("GET requests.json (100 newest)", json_newest, base_newest, 3)
    ok &= report("GET requests.xml (100 newest)", xml_newest, base_newest, 3)
    ok &= report("GET requests.json service+dates", json_filtered, base_filtered, 3)
    print("\nall targets met" if ok else "\nsome targets missed")


if __name__ == "__main__":
    main()
