"""The load test's users (run by bench/load/run.py, which prepares the data and the servers).

Call-centre agents record calls and look fiches up, cell users work their queues, citizens
follow their request on the public tracking page. Think times are compressed (a real agent
takes minutes per call) so that a few minutes on loopback stand for a busy hour.

Phases (LoadShape): the citizens arrive first; then every staff member logs in within
LOGIN_WINDOW seconds ("start of shift"); then everyone works ("steady state"). Each request
is recorded with the phase it started in, and the per-phase figures are written as JSON to
LOAD_RESULTS when the run ends.

Runs in its own virtual environment (bench/load/requirements.txt): no Django import here.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import random
import re
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, LoadTestShape, between, events, task

TARGETS = json.loads(Path(os.environ["LOAD_TARGETS"]).read_text())
PASSWORD = TARGETS["password"]
AGENTS, CELLS, CITIZENS = (int(os.environ.get(name, default)) for name, default in
                           (("LOAD_AGENTS", 50), ("LOAD_CELLS", 20), ("LOAD_CITIZENS", 200)))  # fmt: skip
LOGIN_WINDOW = float(os.environ.get("LOAD_LOGIN_WINDOW", 15))
THINK = float(os.environ.get("LOAD_THINK", 1))  # think times are multiplied by this
STEADY = float(os.environ.get("LOAD_STEADY", 180))
CITIZENS_RAMP = 10.0  # seconds for the citizens to arrive, before the shift starts
SETTLE = 10.0  # seconds after the last login before the steady state is counted
SPAWN_TIME = 3.0  # seconds to start every simulated user
REFERENCE = re.compile(r"/suivi/fiche/([A-Z]{2,4}-\d{4}-\d{6})/")
FICHE = re.compile(r"/fiches/([A-Z]{2,4}-\d{4}-\d{6})/")


class Clock:
    start = 0.0

    @classmethod
    def phase(cls) -> str:
        elapsed = time.monotonic() - cls.start
        shift_start = CITIZENS_RAMP
        shift_end = shift_start + LOGIN_WINDOW
        if elapsed < shift_start:
            return "citizens arriving"
        if elapsed < shift_end + 5:
            return "start of shift"
        if elapsed < shift_end + SETTLE:
            return "settling"
        return "steady state"


class LoadShape(LoadTestShape):
    """Everyone is started in the first seconds; the staff then wait for their login time."""

    def tick(self):
        if Clock.start == 0.0:
            Clock.start = time.monotonic()
        elapsed = time.monotonic() - Clock.start
        if elapsed < CITIZENS_RAMP + LOGIN_WINDOW + SETTLE + STEADY:
            users = CITIZENS + AGENTS + CELLS
            return users, users / SPAWN_TIME
        return None


# Every request, with the phase it started in: {phase: {name: [ms, ...]}} and failures.
TIMES: dict[str, dict[str, list[float]]] = {}
FAILURES: dict[str, dict[str, int]] = {}


@events.request.add_listener
def record(name, response_time, exception, **kwargs) -> None:
    phase = Clock.phase()
    TIMES.setdefault(phase, {}).setdefault(name, []).append(response_time)
    if exception is not None:
        FAILURES.setdefault(phase, {}).setdefault(name, 0)
        FAILURES[phase][name] += 1


@events.quitting.add_listener
def write_results(environment, **kwargs) -> None:
    path = os.environ.get("LOAD_RESULTS")
    if path:
        durations = {
            "start of shift": LOGIN_WINDOW + 5,
            "steady state": max(time.monotonic() - Clock.start - CITIZENS_RAMP - LOGIN_WINDOW - SETTLE, 1),
        }
        Path(path).write_text(json.dumps({"times": TIMES, "failures": FAILURES, "durations": durations}))


class LoopbackCookies(http.cookiejar.DefaultCookiePolicy):
    """DEBUG off makes the cookies `Secure` (TLS ends at the reverse proxy in production);
    on loopback the load test speaks plain HTTP to gunicorn, so it sends them anyway."""

    def return_ok_secure(self, cookie, request) -> bool:
        return True


class Forms(HTMLParser):
    """Each form of a page: its hidden inputs and the names of its fields."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[dict[str, str], set[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            self.forms.append(({}, set()))
        elif tag in {"input", "textarea", "select", "button"} and self.forms and values.get("name"):
            hidden, names = self.forms[-1]
            names.add(values["name"])
            if values.get("type") == "hidden":
                hidden[values["name"]] = values.get("value") or ""


def location(response) -> str:
    return response.headers.get("Location") or response.headers.get("location") or ""


def hidden_fields(page: str, having: str) -> dict[str, str]:
    """The hidden inputs (CSRF token, form tokens, versions) of the form that has ``having``."""
    parser = Forms()
    parser.feed(page)
    return next((hidden for hidden, names in parser.forms if having in names), {})


class Staff(FastHttpUser):
    """Logs in at its turn: the staff's logins are spread evenly over the login window."""

    abstract = True
    logged_in = 0
    username = ""

    def on_start(self) -> None:
        self.client.cookiejar.set_policy(LoopbackCookies())
        turn = Staff.logged_in
        Staff.logged_in += 1
        login_at = Clock.start + CITIZENS_RAMP + LOGIN_WINDOW * turn / (AGENTS + CELLS)
        gevent.sleep(max(0.0, login_at - time.monotonic()))
        page = self.client.get("/connexion/", name="login page").text
        with self.client.post(
            "/connexion/",
            data={**hidden_fields(page, "username"), "username": self.username, "password": PASSWORD},
            name="login",
            catch_response=True,
            allow_redirects=False,
        ) as response:
            if response.status_code != 302 or location(response).endswith("/connexion/"):
                response.failure(f"{self.username} could not log in ({response.status_code})")
                return
        self.page(location(response), "home page")

    def page(self, path: str, name: str, params: dict[str, str] | None = None):
        url = f"{path}?{urlencode(params)}" if params else path
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code >= 400:
                response.failure(f"{response.status_code}")
            return response


class Agent(Staff):
    fixed_count = AGENTS
    wait_time = between(4 * THINK, 10 * THINK)
    _next = 0

    def on_start(self) -> None:
        Agent._next += 1
        self.username = TARGETS["agents"][(Agent._next - 1) % len(TARGETS["agents"])]
        super().on_start()

    @task(3)
    def record_a_call(self) -> None:
        kind = random.choice(TARGETS["types"])
        citizen = random.randrange(10**6)
        page = self.page("/fiches/nouvelle/", "intake page").text
        self.page("/fiches/nouvelle/types/", "intake: type search", params={"type_query": kind["query"]})
        self.client.post(
            "/fiches/nouvelle/appelants/",
            data={**hidden_fields(page, "description"), "caller_query": random.choice(TARGETS["surnames"])},
            name="intake: caller search",
        )
        postal_code = f"130{random.randint(1, 16):02d}"
        data = {
            **hidden_fields(page, "description"),
            "channel": "phone",
            "civility": "Mme",
            "last_name": f"Charge{citizen}",
            "first_name": "Camille",
            "phone": f"06 {citizen // 10000 % 100:02d} {citizen // 100 % 100:02d} {citizen % 100:02d} 00",
            "email": f"camille.charge{citizen}@example.org",
            "address": "3 rue de la République",
            "requester_postal_code": postal_code,
            "city": "Marseille",
            "preferred_channel": random.choice(["email", "email", "sms", "letter"]),
            "type_query": kind["query"],
            "request_type": kind["code"],
            "description": "Signalement enregistré pendant le test de charge.",
            "street_number": str(random.randint(1, 200)),
            "street_name": random.choice(TARGETS["streets"]),
            "postal_code": postal_code,
        }
        with self.client.post(
            "/fiches/nouvelle/", data=data, name="intake save", catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code != 302:
                response.failure(f"not saved ({response.status_code})")
                return
        self.page(location(response), "intake: saved page")

    @task(4)
    def look_up(self) -> None:
        reference = random.choice(TARGETS["references"])
        self.page(
            "/fiches/recherche/", "look-up by reference (+ fiche page)", params={"reference": reference}
        )

    @task(2)
    def list_fiches(self) -> None:
        page = self.page("/fiches/", "fiche list", params=random.choice(TARGETS["filters"])).text
        references = FICHE.findall(page)
        if references:
            self.page(f"/fiches/{random.choice(references)}/", "fiche page")


class CellUser(Staff):
    fixed_count = CELLS
    wait_time = between(5 * THINK, 12 * THINK)
    _next = 0

    def on_start(self) -> None:
        CellUser._next += 1
        self.username = TARGETS["cells"][(CellUser._next - 1) % len(TARGETS["cells"])]
        super().on_start()

    @task
    def work_the_queue(self) -> None:
        queue = self.page("/suivi/", "cell queue").text
        references = REFERENCE.findall(queue)
        if not references:
            return
        reference = random.choice(references[:20])
        work = self.page(f"/suivi/fiche/{reference}/", "cell: fiche work page").text
        hidden = hidden_fields(work, "do")
        action = (
            "acknowledge" if 'value="acknowledge"' in work else "start" if 'value="start"' in work else ""
        )
        if action and "expected_version" in hidden:
            with self.client.post(
                f"/suivi/fiche/{reference}/",
                data={**hidden, "do": action},
                name=f"cell: {action}",
                catch_response=True,
            ) as response:
                if response.status_code == 409:
                    response.success()  # another agent of the cell was first: told so, as it should
                elif response.status_code >= 400:
                    response.failure(f"{response.status_code}")


class Citizen(FastHttpUser):
    fixed_count = CITIZENS
    wait_time = between(10 * THINK, 30 * THINK)

    def on_start(self) -> None:
        """Citizens arrive one by one, not all in the first second."""
        self.client.cookiejar.set_policy(LoopbackCookies())
        gevent.sleep(random.uniform(0, CITIZENS_RAMP))

    @task
    def follow_my_request(self) -> None:
        reference, contact = random.choice(TARGETS["citizens"])
        page = self.client.get("/suivre/", name="tracking page").text
        with self.client.post(
            "/suivre/",
            data={**hidden_fields(page, "reference"), "reference": reference, "contact": contact},
            name="tracking: look-up",
            catch_response=True,
            allow_redirects=False,
        ) as response:
            if response.status_code != 302 or "/suivre/t/" not in location(response):
                response.failure(f"not found or refused ({response.status_code})")
                return
        self.client.get(location(response), name="tracking: status page")
