"""Benchmark of the fiche screens at one year of data, or several sizes side by side.

    .venv/bin/python bench/fiches_bench.py                          # a year: 200,000 fiches
    .venv/bin/python bench/fiches_bench.py --fiches 200000 1000000  # one year, then five
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/allo_bench .venv/bin/python bench/fiches_bench.py

The first size is the most recent year (generated: seasons, weekdays, statuses by age);
each next size adds the years before it, copies of that year moved back and thinned by a
yearly growth of the volume (``--growth``), all closed, as a city keeping five years of
fiches would have. At each size, in the same run, every screen is measured against a
bare baseline doing its essential SQL (bench/urls.py) and the ratios are printed: the list
and a filtered search, a fiche's detail (by the call centre and by its cell), a cell's list,
a cell's and a directorate's queue, the supervisor's and a directorate's board, the
supervisor's home page, the re-routing queue, the citizen's tracking page and a streamed
CSV export, the search by a word of the address (a word found nowhere, one address, a
street, "rue": by the call centre and by a cell) (target: each within 3× its baseline, and
the last size within 1.3× the first), plus an intake save. The scoped users matter: their
scope's plain index once made SQLite read every fiche a cell or a directorate ever had.
``--only search`` measures the screens whose name holds one of the words given.
A screen and its baseline are run in turn, sample by sample (``common.paired_medians``).

An existing database is topped up (its reference counters stay right). Planner
statistics are refreshed after each load, as after an import (core.database).
"""

from __future__ import annotations

import argparse
import itertools
from datetime import timedelta

from common import (
    at_each_size,
    median_ms,
    paired_medians,
    setup_django,
    side_by_side,
    size_arguments,
    staff_client,
)

USERS = {
    "list": "agent",
    "queue": "cellule-voirie",
    "board": "superviseur",
    "reroute": "superviseur",
    "directorate": "direction-voirie",
}


SAMPLE_DESCRIPTION = "Nid-de-poule profond devant le numéro 3."


def sample_fiches(agent):
    """A fiche taken through the real services (intake, acknowledgement, start) to show in
    detail and on the tracking page: the one an earlier run of this database made, if any
    (a new one each run left the earlier ones open at its address, shown among its
    neighbours: the fiche page measured more of them at each run)."""
    from catalogue.services import current_version
    from fiches.models import Fiche, Requester, Status
    from fiches.services import FicheInput, create_fiche, transition

    earlier = Fiche.objects.filter(description=SAMPLE_DESCRIPTION, status=Status.IN_PROGRESS)
    if fiche := earlier.filter(entered_by=agent).order_by("id").first():
        return fiche
    requester = Requester.objects.filter(email__contains="@").first()
    data = FicheInput(
        request_type=current_version("VOI-NID"),
        channel="phone",
        requester=requester,
        street_number="3",
        street_name="rue de Rome",
        postal_code="13006",
        description=SAMPLE_DESCRIPTION,
    )
    fiche = create_fiche(data, agent)
    cell = fiche.cell.memberships.select_related("user").first().user
    transition(fiche, "acknowledge", cell)
    transition(fiche, "start", cell, comment="Équipe prévenue.")
    return fiche


# Words of an address typed in the list's search box: found nowhere, in one address (a
# handful of fiches), in one street of the demo's 36 (3 % of the fiches), in a quarter of
# them ("rue"). Each by the call centre (no scope) and by a cell (its own fiches).
SEARCHES = {
    "a word found nowhere": "pasteur",
    "one address": "117 rue consolat",
    "a street (3 %)": "longchamp",
    "rue (a quarter)": "rue",
}


def measure(repeat: int, only: list[str] | None = None) -> dict[str, tuple[float, float]]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from fiches.models import Fiche, Requester
    from portal.links import track_token

    users = {name: get_user_model().objects.get(username=name) for name in set(USERS.values())}
    clients = {}
    for key, name in USERS.items():
        clients[key] = staff_client(users[name])
    citizen = Client()
    fiche = sample_fiches(users["agent"])
    cell_id = users["cellule-voirie"].memberships.values_list("cell_id", flat=True).get()
    directorate_id = users["direction-voirie"].memberships.values_list("directorate_id", flat=True).get()
    cell, directorate = {"cell": cell_id}, {"directorate": directorate_id}
    filters = {"status": "transmitted", "arrondissement": "13"}
    today = timezone.localdate()
    month = {"arrondissement": "6", "date_from": str(today - timedelta(days=30)), "date_to": str(today)}
    since, until = str(today - timedelta(days=30)), str(today + timedelta(days=1))
    bare_month = {"arrondissement": "6", "since": since, "until": until}
    token = track_token(fiche.pk)

    def get(client, url, params=None):
        response = client.get(url, params or {})
        assert response.status_code == 200, (url, response.status_code)
        if response.streaming:
            b"".join(response.streaming_content)

    pairs = {
        "fiche list (50 newest)": (clients["list"], "/fiches/", {}, "/bench/bare-list/", {}),
        "filtered search": (clients["list"], "/fiches/", filters, "/bench/bare-list/", filters),
        "fiche detail": (clients["list"], f"/fiches/{fiche.reference}/", {}, "/bench/bare-detail/",
                         {"ref": fiche.reference}),
        "cell queue (first 50)": (clients["queue"], "/suivi/", {}, "/bench/bare-queue/", cell),
        "fiche detail, by its cell": (clients["queue"], f"/fiches/{fiche.reference}/", {},
                                      "/bench/bare-detail/", {"ref": fiche.reference}),
        "fiche list, a cell's": (clients["queue"], "/fiches/", {}, "/bench/bare-list/", cell),
        "directorate queue (first 50)": (clients["directorate"], "/suivi/", {}, "/bench/bare-queue/",
                                         directorate),
        "supervisor board": (clients["board"], "/suivi/tableau/", {}, "/bench/bare-board/", {}),
        "directorate board": (clients["directorate"], "/suivi/tableau/", {}, "/bench/bare-board/",
                              directorate),
        "home page, supervisor": (clients["board"], "/", {}, "/bench/bare-home/", {}),
        "re-routing queue": (clients["reroute"], "/suivi/a-reorienter/", {}, "/bench/bare-reroute/", {}),
        "tracking page (citizen)": (citizen, f"/suivre/t/{token}/", {}, "/bench/bare-tracking/",
                                    {"ref": fiche.reference}),
        "CSV export, a month (streamed)": (clients["list"], "/fiches/export.csv", month,
                                           "/bench/bare-export/", bare_month),
    }  # fmt: skip
    for label, word in SEARCHES.items():
        query = {"q": word}
        pairs[f"search: {label}"] = (clients["list"], "/fiches/", query, "/bench/bare-search/", query)
        pairs[f"search: {label}, a cell's"] = (clients["queue"], "/fiches/", query, "/bench/bare-search/",
                                               {**query, **cell})  # fmt: skip
    if only:
        pairs = {name: pair for name, pair in pairs.items() if any(word in name for word in only)}
    results = {}
    print(f"  measured at {Fiche.objects.count()} fiches:", flush=True)

    def show(name: str) -> None:
        page, base = results[name]
        print(f"    {name:<40}{page:10.1f} ms   bare {base:8.1f} ms   {page / base:6.2f}×", flush=True)

    for name, (client, url, params, bare, bare_params) in pairs.items():
        page, base = paired_medians(
            lambda c=client, u=url, p=params: get(c, u, p),
            lambda c=client, u=bare, p=bare_params: get(c, u, p),
            repeat,
        )
        results[name] = (page, base)
        show(name)

    requester = Requester.objects.exclude(email="").first()
    form = {
        "channel": "phone", "requester_id": requester.pk, "last_name": requester.last_name,
        "email": requester.email,
        "preferred_channel": "email", "request_type": "VOI-NID", "street_number": "3",
        "street_name": "rue de Rome", "postal_code": "13006",
    }  # fmt: skip

    numbers = itertools.count(1000)

    def save():
        # each save at its own number: saves piled up at the detail's address would make its
        # possible duplicates grow with every run (the detail measured them, not the years)
        response = clients["list"].post("/fiches/nouvelle/", {**form, "street_number": str(next(numbers))})
        assert response.status_code == 302, response.content[:500]

    def bare_insert():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE fiches_requester SET first_name = first_name WHERE id = %s", [requester.pk]
            )

    if not only or any(word in "intake save" for word in only):
        results["intake save"] = (median_ms(save, repeat), median_ms(bare_insert, repeat))
        show("intake save")
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    size_arguments(parser, repeat=30)
    parser.add_argument("--only", nargs="+", help="measure the screens whose name holds one of these words")
    args = parser.parse_args()
    setup_django(urlconf="bench.urls")

    from django.conf import settings
    from django.db import connection

    from catalogue.demo import load_demo_nomenclature
    from organisations.demo import create_organisations, create_users

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # as in production
    bodies = create_organisations()
    create_users(bodies)
    load_demo_nomenclature()
    sizes = sorted(args.fiches)
    measured = {}
    for size in at_each_size(args):
        measured[size] = measure(args.repeat, args.only)
    print(f"\ndatabase: {connection.vendor}; ratios to the bare query measured in the same run\n")
    # the intake save's "bare" is a one-row update: its ratio is informative, no target
    ok = side_by_side(measured, {name: 3 for name in measured[sizes[0]] if name != "intake save"})
    print("all targets met" if ok else "some targets missed")


if __name__ == "__main__":
    main()
