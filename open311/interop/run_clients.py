"""Run the public GeoReport v2 clients from PyPI, unmodified, against a running server.

Not part of the Django project: run it with a separate virtualenv holding the clients
(see docs/open311.md, "Interoperability"):

    /tmp/o311venv/bin/python open311/interop/run_clients.py http://127.0.0.1:8311/open311/v2 KEY

Each check prints PASS or FAIL; the exit status is the number of failures.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

RESULTS: list[tuple[str, str, bool, str]] = []


def check(client: str, name: str, test: Callable[[], object]) -> None:
    try:
        outcome = test()
        ok, detail = (outcome, "") if isinstance(outcome, bool) else (True, str(outcome)[:80])
    except Exception as exc:  # a client's own exception is a failure to report, not to raise
        ok, detail = False, f"{type(exc).__name__}: {exc}"[:200]
        traceback.print_exc(file=sys.stderr)
    RESULTS.append((client, name, ok, detail))
    print(f"{'PASS' if ok else 'FAIL'}  {client:<18} {name:<48} {detail}")


def run_georeport(base: str) -> None:
    from georeport import GeoReport

    for fmt in ("json", "xml"):
        api = GeoReport(base, jurisdiction="marseille.fr", output_format=fmt)
        label = f"georeport 0.3.1/{fmt}"
        services = api.get_service_list()
        check(
            label, "get_service_list", lambda s=services: len(s) > 0 and all("service_code" in x for x in s)
        )
        with_metadata = next(s for s in services if str(s["metadata"]).lower() == "true")
        code = with_metadata["service_code"]
        check(
            label,
            f"get_service_definition({code})",
            lambda a=api, c=code: a.get_service_definition(c)["service_code"] == c,
        )
        rows = api.get_service_requests()
        rows = rows if isinstance(rows, list) else [rows]  # xmltodict gives a dict for one element
        check(label, "get_service_requests()", lambda r=rows: len(r) > 0)
        first = rows[0]
        check(
            label,
            "get_service_requests(service_code, status, dates)",
            lambda a=api, f=first: (
                a.get_service_requests(
                    service_code=f["service_code"],
                    status=f["status"],
                    start_date=(datetime.now(UTC) - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    end_date=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                )
                is not None
            ),
        )
        check(
            label,
            "get_service_requests(service_request_id)",
            lambda a=api, f=first: (
                _ids(a.get_service_requests(service_request_id=f["service_request_id"]))
                == [f["service_request_id"]]
            ),
        )
        check(
            label,
            "get_service_request(id)",
            lambda a=api, f=first: (
                _ids(a.get_service_request(f["service_request_id"])) == [f["service_request_id"]]
            ),
        )


def _ids(rows) -> list[str]:
    rows = rows if isinstance(rows, list) else [rows]
    return [r["service_request_id"] for r in rows]


def run_civicbot(base: str, key: str) -> None:
    from civicbot import Open311Client
    from civicbot.http import HttpError, HttpTransport, RateLimiter
    from civicbot.registry import Endpoint

    endpoint = Endpoint(id="allo-mairie", name="Allô Mairie", base_url=base, write=True)
    transport = HttpTransport(rate_limiter=RateLimiter(min_interval=0.0))
    api = Open311Client(endpoint, transport=transport, jurisdiction_id="marseille.fr")
    label = "civicbot 0.4.0"
    services = api.list_services()
    check(label, "list_services", lambda: len(services) > 0)
    required = next(
        (
            s
            for s in services
            if s["metadata"]
            and any(a["required"] for a in api.get_service_definition(s["service_code"])["attributes"])
        ),
        None,
    )
    check(label, "get_service_definition", lambda: required is not None)
    rows = api.list_requests(page_size=5)
    check(label, "list_requests(page_size=5)", lambda: 0 < len(rows) <= 5)
    check(
        label,
        "list_requests(status=closed)",
        lambda: all(r["status"] == "closed" for r in api.list_requests(status="closed")),
    )
    check(
        label,
        "get_request",
        lambda: (
            api.get_request(rows[0]["service_request_id"])["service_request_id"]
            == rows[0]["service_request_id"]
        ),
    )

    def token_is_404() -> bool:
        try:
            api.get_token("12345")
        except HttpError as exc:
            return exc.status == 404 and '"code": 404' in exc.body
        return False

    check(label, "get_token (404 in the spec's form)", token_is_404)
    code = required["service_code"]
    definition = api.get_service_definition(code)
    answers = {a["code"]: "AB-123-CD" for a in definition["attributes"] if a["required"]}

    def create() -> str:
        prepared = api.create_request(
            code,
            dry_run=False,
            confirm="SEND",
            api_key=key,
            validate_remote=True,
            lat=43.2965,
            lng=5.3698,
            description="Véhicule ventouse depuis trois semaines",
            attributes=answers,
            first_name="Jean",
            last_name="Martin",
            email="jean.martin@example.org",
        )
        (row,) = prepared.response
        created = api.get_request(row["service_request_id"])
        assert created["service_code"] == code, created
        assert created["description"] is None  # not checked yet: nothing published
        return row["service_request_id"]

    check(label, f"create_request({code}) then get_request", create)

    def refused_without_attribute() -> bool:
        try:
            api.create_request(code, dry_run=False, confirm="SEND", api_key=key, lat=43.3, lng=5.4)
        except HttpError as exc:
            return exc.status == 400 and all(a in exc.body for a in answers)
        return False

    check(label, "missing required attribute → 400 naming it", refused_without_attribute)


def main() -> int:
    base, key = sys.argv[1], sys.argv[2]
    run_georeport(base)
    run_civicbot(base, key)
    failures = sum(1 for *_rest, ok, _detail in RESULTS if not ok)
    print(f"\n{len(RESULTS)} checks, {failures} failures")
    return failures


if __name__ == "__main__":
    sys.exit(main())
