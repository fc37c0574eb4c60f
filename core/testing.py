"""Test helpers: log in through the real page, check accessibility with axe-core (browser
tests), the demo roles, database work released at once in threads, and a paged list walked
through.

Set SCREENSHOTS=/some/folder to keep a full-page screenshot of every page checked.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from contextlib import AbstractContextManager

from axe_playwright_python.sync_playwright import Axe

from organisations.demo import DEMO_PASSWORD

# One demo login per role (organisations.demo.DEMO_USERS), for tests that walk every role.
ROLES = [
    "agent",
    "superviseur",
    "admin",
    "cellule-voirie",
    "cellule-eclairage",
    "direction-voirie",
    "comite",
    "finances",
]


def log_in(page, live_server, username: str) -> None:
    """Log in through the real pages: the password, then, for the roles that need one, the
    second factor with the code of the user's authenticator (set up for the test if needed)."""
    from accounts.testing import authenticator_for, current_code

    device = authenticator_for(username)
    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    if device is not None and "/compte/verification/" in page.url:
        page.fill("#id_token", current_code(device))
        with page.expect_navigation():
            page.press("#id_token", "Enter")


def assert_accessible(page, name: str = "") -> None:
    """No axe-core violation (WCAG 2.1 AA rules and best practices) on the current page."""
    folder = os.environ.get("SCREENSHOTS")
    if folder:
        label = name or re.sub(r"\W+", "-", page.url.split("//", 1)[-1]).strip("-")
        page.screenshot(path=f"{folder}/{label}.png", full_page=True)
    # the colours as they settle (Bootstrap drops its transitions for reduced motion): a button
    # just clicked, still under the pointer, was caught halfway through its hover transition
    page.emulate_media(reduced_motion="reduce")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def run_at_once(*calls: Callable[[], object]) -> list:
    """Run each call in its own thread, all released together (each thread's database
    connection closed at its end); return their results in order, and raise the first error."""
    import threading

    from django.db import connections

    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except BaseException as exc:  # noqa: BLE001 - raised in the caller's thread below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


def assert_paged(
    client,
    url: str,
    param: str,
    listed: Callable[[str], list],
    expected: list,
    queries: Callable[[], AbstractContextManager],
    *,
    per_page: int = 50,
    params: dict[str, str] | None = None,
) -> None:
    """Every page of a list paged by ``param`` (``Paginator.get_page``) through the test
    client, with the page's other ``params``: each shows its share of ``expected`` in order
    (``listed`` reads them off the page) in the same queries (``queries``: e.g. a lambda
    giving pytest-django's ``django_assert_num_queries(n)``), with a link to the page before
    and the page after it; a garbled or out-of-range number gives the first or the last."""
    params = params or {}
    pages = math.ceil(len(expected) / per_page)
    client.get(url, params)  # a session just logged in is saved once, on its first page

    def links_to(number: int, html: str) -> bool:
        return (
            re.search(rf'href="\?(?:[^"]*&amp;)?{re.escape(param)}={number}(?:&amp;[^"]*)?"', html)
            is not None
        )

    for number in range(1, pages + 1):
        with queries():
            html = client.get(url, {**params, param: str(number)}).content.decode()
        assert listed(html) == expected[per_page * (number - 1) : per_page * number], number
        assert links_to(number - 1, html) == (number > 1) and links_to(number + 1, html) == (number < pages)
    for garbled, shown in (("0", pages), ("9" * 21, pages), ("x", 1), ("", 1)):
        response = client.get(url, {**params, param: garbled})
        assert response.status_code == 200
        assert listed(response.content.decode())[0] == expected[per_page * (shown - 1)], garbled
