"""A small asyncio client of the Asterisk Manager Interface (AMI).

The protocol: after a one-line banner (``Asterisk Call Manager/…``), messages are blocks of
``Key: Value`` lines ending with an empty line (CRLF). We log in, ask for the queues' current
state (``QueueStatus``: members and waiting callers, so a reconnection starts from the truth),
then read events for ever. A lost connection is retried with an exponential backoff; a refused
login too, but slower and said in the listener's status. panoramisk, the asyncio AMI library on
PyPI, was checked: its last release dates from 2021, so this client stays ours (the protocol is
small) with its own tests against a fake server (cti/tests/test_ami.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)

END = b"\r\n\r\n"
MAX_MESSAGE = 64 * 1024


class AmiError(Exception):
    pass


class LoginRefused(AmiError):
    pass


def parse_message(raw: bytes) -> dict[str, str]:
    """One block of ``Key: Value`` lines → a dict (later keys of the same name win)."""
    message: dict[str, str] = {}
    for line in raw.decode("utf-8", errors="replace").split("\r\n"):
        key, sep, value = line.partition(":")
        if sep and key.strip():
            message[key.strip()] = value.strip()
    return message


def format_action(action: str, **fields: str) -> bytes:
    lines = [f"Action: {action}"] + [f"{key}: {value}" for key, value in fields.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def read_message(reader: asyncio.StreamReader) -> dict[str, str]:
    try:
        raw = await reader.readuntil(END)
    except asyncio.LimitOverrunError as error:
        raise AmiError("message too long") from error
    except asyncio.IncompleteReadError as error:
        raise ConnectionError("connection closed by the switch") from error
    return parse_message(raw[: -len(END)])


@dataclass
class Backoff:
    first: float = 1.0
    most: float = 60.0
    attempt: int = 0

    def next(self) -> float:
        delay = min(self.most, self.first * 2**self.attempt)
        self.attempt += 1
        return delay

    def reset(self) -> None:
        self.attempt = 0


Handler = Callable[[dict[str, str]], Awaitable[None]]
StatusHandler = Callable[[bool, str], Awaitable[None]]


class AmiClient:
    def __init__(
        self,
        host: str,
        port: int,
        username: str,
        secret: str,
        on_event: Handler,
        on_status: StatusHandler | None = None,
        backoff: Backoff | None = None,
    ) -> None:
        self.host, self.port, self.username, self.secret = host, port, username, secret
        self.on_event, self.on_status = on_event, on_status
        self.backoff = backoff or Backoff()
        self._ids = itertools.count(1)
        self.sessions = 0

    async def _status(self, connected: bool, detail: str) -> None:
        if self.on_status:
            await self.on_status(connected, detail)

    async def run(self, stop: asyncio.Event) -> None:
        """Connect, listen, reconnect, until ``stop`` is set."""
        while not stop.is_set():
            try:
                await self.session(stop)
                if stop.is_set():
                    break
                delay = self.backoff.next()
                detail = "connection closed"
            except LoginRefused as error:
                delay = max(self.backoff.next(), self.backoff.most / 2)
                detail = f"login refused: {error}"
            except (TimeoutError, OSError, ConnectionError, AmiError) as error:
                delay = self.backoff.next()
                detail = f"{type(error).__name__}: {error}"
            log.warning("AMI %s:%s: %s; retrying in %.0f s", self.host, self.port, detail, delay)
            await self._status(False, detail)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=delay)

    async def session(self, stop: asyncio.Event) -> None:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(self.host, self.port, limit=MAX_MESSAGE), timeout=10
        )
        try:
            banner = await asyncio.wait_for(reader.readline(), timeout=10)
            if not banner.startswith(b"Asterisk Call Manager"):
                raise AmiError(f"not an AMI server: {banner[:40]!r}")
            await self._login(reader, writer)
            self.sessions += 1
            self.backoff.reset()
            await self._status(True, "connected")
            writer.write(format_action("QueueStatus", ActionID=f"status-{next(self._ids)}"))
            await writer.drain()
            while not stop.is_set():
                reading = asyncio.ensure_future(read_message(reader))
                stopping = asyncio.ensure_future(stop.wait())
                done, _ = await asyncio.wait({reading, stopping}, return_when=asyncio.FIRST_COMPLETED)
                if reading not in done:
                    reading.cancel()
                    break
                stopping.cancel()
                message = reading.result()
                if "Event" in message:
                    await self.on_event(message)
        finally:
            writer.close()
            with contextlib.suppress(OSError, ConnectionError):
                await writer.wait_closed()

    async def _login(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        action_id = f"login-{next(self._ids)}"
        writer.write(
            format_action(
                "Login", Username=self.username, Secret=self.secret, Events="on", ActionID=action_id
            )
        )
        await writer.drain()
        while True:
            message = await asyncio.wait_for(read_message(reader), timeout=10)
            if message.get("ActionID") != action_id or "Response" not in message:
                continue
            if message["Response"].lower() != "success":
                raise LoginRefused(message.get("Message", "authentication failed"))
            return
