"""Two application servers and two task workers on one PostgreSQL database, as behind a load
balancer: intake through both servers at once, two overlapping sweeps and two letter batches
give no duplicate reference, alert or message.

The servers are real `gunicorn` processes with DEBUG off (collected static files, a test
secret key), the workers real `manage.py db_worker` processes, the e-mails go to an SMTP
server run by the test and the SMS to a file: everything a citizen or a cell receives is
counted where it arrives.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from email import message_from_bytes
from email.message import Message as EmailMessage
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.utils import timezone

from core.testing import run_at_once
from organisations.demo import DEMO_PASSWORD
from organisations.models import Body

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = re.compile(r"\b[A-Z]{2,4}-\d{4}-\d{6}\b")
FICHES_PER_CLIENT = 4
CHANNELS = ("email", "sms", "letter")
DEADLINE = 60  # seconds any wait of this test may last before it fails


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict  # pytest-django's test database (test_<name>)
    auth = urllib.parse.quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + urllib.parse.quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_until(condition, what: str) -> None:
    end = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.2)


# --- an SMTP server that keeps what it receives --------------------------------------------


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook
        with self.lock:
            self.messages.append(message_from_bytes(envelope.original_content or envelope.content))
        return "250 OK"


@contextmanager
def smtp_server():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


def text_of(message: EmailMessage) -> str:
    parts = message.walk() if message.is_multipart() else [message]
    return "\n".join(
        part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
        for part in parts
        if part.get_content_type() == "text/plain"
    )


# --- a browser-like client: cookies, CSRF token and hidden fields ----------------------------


class LoopbackCookies(http.cookiejar.DefaultCookiePolicy):
    """With DEBUG off the cookies are `Secure` (TLS ends at the reverse proxy in production);
    on loopback the test speaks plain HTTP to gunicorn, so it sends them anyway."""

    def return_ok_secure(self, cookie, request) -> bool:
        return True


class Forms(HTMLParser):
    """Each form of a page: its action, its hidden inputs and the names of its fields."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str], set[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            self.forms.append((values.get("action") or "", {}, set()))
        elif tag in {"input", "textarea", "select", "button"} and self.forms and values.get("name"):
            _action, hidden, names = self.forms[-1]
            names.add(values["name"])
            if values.get("type") == "hidden":
                hidden[values["name"]] = values.get("value") or ""


class Client:
    def __init__(self, base: str) -> None:
        self.base = base
        jar = http.cookiejar.CookieJar(policy=LoopbackCookies())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[str, bytes]:
        """(final URL, body) after redirects; a 4xx or 5xx fails with the page's text."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(
                urllib.parse.urljoin(self.base, path), data=body, timeout=DEADLINE
            ) as response:
                return response.geturl(), response.read()
        except urllib.error.HTTPError as error:
            raise AssertionError(f"{error.code} on {path}: {error.read().decode()[:2000]}") from error

    def submit(self, path: str, having: str, data: dict[str, str]) -> str:
        """Fill the form of page ``path`` that has the field or the action ``having`` (its
        hidden inputs, CSRF token included, kept) and send it; the URL it ends on."""
        parser = Forms()
        parser.feed(self.request(path)[1].decode())
        action, hidden, _names = next(form for form in parser.forms if having in form[2] or having == form[0])
        return self.request(urllib.parse.urljoin(path, action) if action else path, {**hidden, **data})[0]

    def log_in(self, username: str) -> None:
        url = self.submit("/connexion/", "username", {"username": username, "password": DEMO_PASSWORD})
        assert not url.endswith("/connexion/"), f"{username} could not log in on {self.base}"


def intake_fields(n: int) -> dict[str, str]:
    return {
        "channel": "phone",
        "civility": "Mme",
        "last_name": f"Citoyenne{n}",
        "first_name": "Anne",
        "phone": f"06 12 34 {n // 100:02d} {n % 100:02d}",
        "email": f"citoyenne{n}@example.org",
        "address": f"{n} rue Paradis",
        "requester_postal_code": "13006",
        "city": "Marseille",
        "preferred_channel": CHANNELS[n % len(CHANNELS)],
        "type_query": "Nid-de-poule",
        "request_type": "VOI-NID",
        "description": f"Nid-de-poule numéro {n}",
        "street_number": str(n),
        "street_name": "rue Paradis",
        "postal_code": "13006",
    }


# --- the processes ----------------------------------------------------------------------------


def server_environment(tmp_path: Path, smtp_port: int) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "false",
        "SECRET_KEY": "two-nodes-test-" + "k" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url(),
        "CONN_MAX_AGE": "0",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),  # the storage every node shares
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "SMS_BACKEND": "correspondence.sms.FileBackend",
        "SMS_FILE_PATH": str(tmp_path / "sms.jsonl"),
        "LOG_LEVEL": "WARNING",
    }


def manage(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "manage.py"), *args]


@contextmanager
def processes(env: dict[str, str], logs: Path):
    """Start commands in the background; stop every one of them on the way out."""
    started: list[tuple[subprocess.Popen, Path]] = []

    def start(name: str, command: list[str]) -> Path:
        log = logs / f"{name}.log"
        with log.open("wb") as out:
            started.append(
                (
                    subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT),
                    log,
                )
            )
        return log

    try:
        yield start
    finally:
        for process, _log in started:
            process.terminate()
        for process, log in started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.returncode not in (0, -15):
                print(f"--- {log.name} (exit {process.returncode})\n{log.read_text()[-3000:]}")


def answers(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/connexion/", timeout=2) as response:  # noqa: S310 - loopback
            return response.status == 200
    except OSError:
        return False


def test_two_servers_and_two_workers_share_one_database(users, catalogue_types, tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("several servers share a PostgreSQL database")
    from core.hashers import TunedArgon2PasswordHasher
    from correspondence.models import Batch, Message
    from fiches.models import Fiche
    from followup.models import Alert

    hasher = TunedArgon2PasswordHasher()  # the suite hashes with MD5, which the servers refuse
    for user in (users["agent"], users["agent2"]):
        user.password = hasher.encode(DEMO_PASSWORD, hasher.salt())
        user.save(update_fields=["password"])

    # The manifest the production storage reads (without its slow compression): pages render.
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)

    with ExitStack() as stack:
        inbox, smtp_port = stack.enter_context(smtp_server())
        env = server_environment(tmp_path, smtp_port)
        start = stack.enter_context(processes(env, tmp_path))
        nodes = []
        for name in ("a", "b"):
            port = free_port()
            start(f"web-{name}", [sys.executable, "-m", "gunicorn", "allo_mairie.wsgi",
                                  "--bind", f"127.0.0.1:{port}", "--workers", "2"])  # fmt: skip
            start(
                f"worker-{name}",
                manage("db_worker", "--interval", "0.2", "--no-reload", "--no-startup-delay"),
            )
            nodes.append(f"http://127.0.0.1:{port}")
        for base in nodes:
            wait_until(lambda base=base: answers(base), f"the server at {base}")

        # Intake: four agents' sessions, two on each server, saving at the same time.
        clients = [Client(base) for base in nodes for _username in ("agent", "agent2")]
        run_at_once(
            *(lambda c=c, u=u: c.log_in(u) for c, u in zip(clients, ["agent", "agent2"] * 2, strict=True))
        )

        def intake(k: int) -> list[str]:
            saved = []
            for i in range(FICHES_PER_CLIENT):
                n = k * FICHES_PER_CLIENT + i
                url = clients[k].submit("/fiches/nouvelle/", "description", intake_fields(n))
                saved.append(REFERENCE.search(url).group())
            return saved

        saved = [
            ref for refs in run_at_once(*(lambda k=k: intake(k) for k in range(len(clients)))) for ref in refs
        ]
        count = len(clients) * FICHES_PER_CLIENT
        references = sorted(Fiche.objects.values_list("reference", flat=True))
        assert sorted(saved) == references and len(set(references)) == count
        numbers = sorted(int(ref.rsplit("-", 1)[1]) for ref in references)
        assert numbers == list(range(numbers[0], numbers[0] + count))  # no gap, no duplicate

        # Each acknowledgement is sent once, by one of the two workers.
        pending = Message.objects.filter(state__in=[Message.State.PENDING, Message.State.FAILED])
        wait_until(lambda: Message.objects.count() == count and not pending.exists(), "the acknowledgements")
        assert Counter(Message.objects.values_list("fiche_id", "moment")).most_common(1)[0][1] == 1
        citizens = [m for m in inbox.messages if m["To"].startswith("citoyenne")]
        assert sorted(m["To"] for m in citizens) == sorted(
            Message.objects.filter(channel="email").values_list("address", flat=True)
        )
        by_email = [n for n in range(count) if CHANNELS[n % len(CHANNELS)] == "email"]
        assert len({m["To"] for m in citizens}) == len(citizens) == len(by_email)
        sms = [json.loads(line) for line in (tmp_path / "sms.jsonl").read_text().splitlines()]
        assert len({s["to"] for s in sms}) == len(sms) == Message.objects.filter(channel="sms").count()

        # Sweep: the fiches are now overdue, unacknowledged and escalated; two sweeps at once.
        # The sweep leaves a body alone on a day it is closed (followup.sweep.candidates): open
        # every weekday here, so that the test does not depend on the day it runs (it failed on
        # Saturdays); on a French public holiday the bodies stay closed and nothing is sent.
        Body.objects.update(working_weekdays="0,1,2,3,4,5,6")
        open_today = all(body.calendar().is_open(timezone.localdate()) for body in Body.objects.all())
        Fiche.objects.update(
            created_at=F("created_at") - timedelta(days=30),
            cycle_started_at=F("cycle_started_at") - timedelta(days=30),
            due_at=F("due_at") - timedelta(days=30),
        )
        sweeps = run_at_once(
            *(lambda: subprocess.run(manage("sla_sweep"), env=env, capture_output=True, text=True),) * 2
        )
        assert all(s.returncode == 0 for s in sweeps), [s.stderr for s in sweeps]
        alerts = Counter(Alert.objects.values_list("fiche__reference", flat=True))
        expected = set(references) if open_today else set()
        assert set(alerts) == expected and Alert.objects.count() == sum(alerts.values())
        wait_until(lambda: not Alert.objects.filter(sent_at__isnull=True).exists(), "the alert e-mails")
        mentioned = Counter(
            ref
            for m in inbox.messages
            if not m["To"].startswith("citoyenne")
            for ref in set(REFERENCE.findall(text_of(m)))
        )
        assert mentioned == alerts  # each alert in one e-mail, once

        # The post room's batch, asked for on both servers at once: each letter printed once.
        letters = set(Message.objects.filter(channel="letter").values_list("pk", flat=True))
        assert letters
        run_at_once(
            *(lambda c=c: c.submit("/courriers/", "/courriers/lots/nouveau/", {}) for c in clients[::2])
        )
        batched = Message.objects.filter(pk__in=letters, batch__isnull=False)
        assert set(batched.values_list("pk", flat=True)) == letters
        assert sum(Batch.objects.values_list("letter_count", flat=True)) == len(letters)
        for batch, client in zip(Batch.objects.all(), reversed(clients), strict=False):  # on any node
            assert client.request(f"/courriers/lots/{batch.pk}/pdf/")[1].startswith(b"%PDF")
