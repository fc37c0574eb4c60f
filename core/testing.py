"""Helpers for browser tests: log in through the real page, check accessibility with axe-core.

Set SCREENSHOTS=/some/folder to keep a full-page screenshot of every page checked.
"""

from __future__ import annotations

import os
import re

from axe_playwright_python.sync_playwright import Axe

from organisations.demo import DEMO_PASSWORD


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def assert_accessible(page, name: str = "") -> None:
    """No axe-core violation (WCAG 2.1 AA rules and best practices) on the current page."""
    folder = os.environ.get("SCREENSHOTS")
    if folder:
        label = name or re.sub(r"\W+", "-", page.url.split("//", 1)[-1]).strip("-")
        page.screenshot(path=f"{folder}/{label}.png", full_page=True)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
