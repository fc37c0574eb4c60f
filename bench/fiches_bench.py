"""Benchmark of the fiche screens on a year of data (about 200,000 fiches).

    .venv/bin/python bench/fiches_bench.py            # SQLite (/tmp/allo-mairie-bench.sqlite3)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/allo_bench .venv/bin/python bench/fiches_bench.py

Measures, in one run, the list page, a filtered search and an intake save against a bare
baseline doing the equivalent single SQL query, and prints the ratios (target: list and
search within 3× the baseline).
"""

from __future__ import annotations

import argparse
import time

from common import median_ms, report, setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fiches", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    setup_django(urlconf="bench.urls")

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from catalogue.demo import load_demo_nomenclature
    from fiches.demo import generate_fiches
    from fiches.models import Fiche, Requester
    from organisations.demo import create_organisations, create_users

    bodies = create_organisations()
    create_users(bodies)
    load_demo_nomenclature()
    have = Fiche.objects.count()
    if have < args.fiches:
        started = time.monotonic()
        agents = list(get_user_model().objects.filter(username__in=["agent", "agent2"]))
        made = generate_fiches(args.fiches - have, agents=agents, seed=have + 1, with_events=False)
        print(f"generated {made} fiches in {time.monotonic() - started:.0f} s")
    total = Fiche.objects.count()
    print(f"database: {connection.vendor}, {total} fiches")

    client = Client()
    client.force_login(get_user_model().objects.get(username="agent"))
    filters = {"status": "transmitted", "arrondissement": "13"}

    def get(url, params=None):
        response = client.get(url, params or {})
        assert response.status_code == 200, response.status_code

    base_list = median_ms(lambda: get("/bench/bare-list/"), args.repeat)
    page_list = median_ms(lambda: get("/fiches/"), args.repeat)
    base_search = median_ms(lambda: get("/bench/bare-list/", filters), args.repeat)
    page_search = median_ms(lambda: get("/fiches/", filters), args.repeat)

    requester = Requester.objects.first()
    form = {
        "channel": "phone", "requester_id": requester.pk, "last_name": requester.last_name,
        "preferred_channel": "email", "request_type": "VOI-NID", "street_number": "3",
        "street_name": "rue de Rome", "postal_code": "13006",
    }  # fmt: skip

    def save():
        response = client.post("/fiches/nouvelle/", form)
        assert response.status_code == 302, response.content[:500]

    def bare_insert():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE fiches_requester SET first_name = first_name WHERE id = %s", [requester.pk]
            )

    base_save = median_ms(bare_insert, args.repeat)
    page_save = median_ms(save, args.repeat)

    print()
    ok = report("fiche list (50 newest)", page_list, base_list, 3)
    ok &= report("filtered search", page_search, base_search, 3)
    report("intake save (informative)", page_save, base_save, float("inf"))
    print("\nall targets met" if ok else "\nsome targets missed")


if __name__ == "__main__":
    main()
