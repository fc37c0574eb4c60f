"""Telephone platform events, normalised (pure Python, no Django import).

Two sources feed the live state: the Asterisk Manager Interface (AMI, ``key: value`` blocks)
and a generic signed HTTP entry for other switches (``newCall`` / ``answer`` / ``hangup``,
the way Zammad's generic CTI works). Both are turned here into the same few events, which
:mod:`cti.services` applies to the database. Unknown or incomplete events give ``None``: the
switch sends many we do not need.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime

# What a caller number looks like when the caller withheld it (Asterisk and common switches).
WITHHELD = {"", "anonymous", "unknown", "restricted", "private", "<unknown>", "withheld"}

# AMI QueueMemberStatus / QueueMember ``Status`` (Asterisk's ast_device_state numbers).
DEVICE_STATES = {
    "0": "unknown",
    "1": "available",  # not in use
    "2": "on_call",  # in use
    "3": "on_call",  # busy
    "4": "unavailable",  # invalid
    "5": "unavailable",  # unavailable
    "6": "ringing",
    "7": "on_call",  # ring + in use
    "8": "on_call",  # on hold
}


@dataclass(frozen=True)
class CallJoined:
    callid: str
    queue: str
    caller: str
    at: datetime
    called: str = ""


@dataclass(frozen=True)
class AgentRinging:
    callid: str
    queue: str
    agent: str
    interface: str
    at: datetime


@dataclass(frozen=True)
class CallConnected:
    callid: str
    queue: str
    agent: str
    interface: str
    at: datetime
    wait: int | None = None


@dataclass(frozen=True)
class CallLeft:
    """The caller left the queue: abandoned (hung up) or left without an answer (timeout…)."""

    callid: str
    queue: str
    at: datetime
    abandoned: bool
    wait: int | None = None


@dataclass(frozen=True)
class CallEnded:
    """The call is over (agent complete, or hang-up of the channel)."""

    callid: str
    at: datetime
    talk: int | None = None


@dataclass(frozen=True)
class MemberState:
    queue: str
    agent: str
    interface: str
    state: str  # available, ringing, on_call, unavailable, unknown, logged_out
    paused: bool
    pause_reason: str
    at: datetime


Event = CallJoined | AgentRinging | CallConnected | CallLeft | CallEnded | MemberState


def is_withheld(number: str) -> bool:
    return number.strip().lower() in WITHHELD


def _int(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() and len(value.strip()) < 10 else None


def _agent(msg: dict[str, str]) -> tuple[str, str]:
    interface = msg.get("Interface") or msg.get("DestChannel", "") or msg.get("Location", "")
    interface = re.sub(r"-[0-9a-f]+(;\d)?$", "", interface)  # a channel name → its device
    name = msg.get("MemberName") or interface
    return name[:128], interface[:128]


def from_ami(msg: dict[str, str], at: datetime) -> Event | None:
    """One AMI message (header names as Asterisk sends them) → an event, or None."""
    kind = msg.get("Event", "")
    callid = (msg.get("Uniqueid") or msg.get("LinkedID") or "")[:80]
    queue = msg.get("Queue", "")[:128]
    if kind in {"QueueCallerJoin", "Join", "QueueEntry"} and callid and queue:
        joined = at
        if kind == "QueueEntry" and _int(msg.get("Wait")) is not None:
            joined = datetime.fromtimestamp(at.timestamp() - (_int(msg.get("Wait")) or 0), tz=UTC)
        return CallJoined(callid, queue, msg.get("CallerIDNum", "")[:40], joined, msg.get("Exten", "")[:40])
    if kind == "AgentCalled" and callid and queue:
        return AgentRinging(callid, queue, *_agent(msg), at)
    if kind == "AgentConnect" and callid and queue:
        return CallConnected(callid, queue, *_agent(msg), at, _int(msg.get("HoldTime")))
    if kind in {"QueueCallerAbandon", "QueueCallerLeave", "Leave"} and callid and queue:
        abandoned = kind == "QueueCallerAbandon"
        return CallLeft(callid, queue, at, abandoned, _int(msg.get("HoldTime")))
    if kind == "AgentComplete" and callid:
        return CallEnded(callid, at, _int(msg.get("TalkTime")))
    if kind == "Hangup" and callid:
        return CallEnded(callid, at)
    if kind in {"QueueMemberStatus", "QueueMember", "QueueMemberAdded", "QueueMemberPause"} and queue:
        agent, interface = _agent(msg)
        paused = msg.get("Paused", "0") == "1"
        return MemberState(
            queue, agent, interface, DEVICE_STATES.get(msg.get("Status", "0"), "unknown"),
            paused, msg.get("PausedReason", "")[:80] if paused else "", at,
        )  # fmt: skip
    if kind == "QueueMemberRemoved" and queue:
        return MemberState(queue, *_agent(msg), "logged_out", False, "", at)
    return None


def from_generic(data: dict, at: datetime) -> list[Event]:
    """A generic CTI notice (JSON: event, callId, from, to, queue, user) → events."""
    kind = str(data.get("event", ""))
    callid = str(data.get("callId", ""))[:80]
    queue = str(data.get("queue") or data.get("to") or "")[:128]
    agent = str(data.get("user") or data.get("agent") or "")[:128]
    if not callid:
        return []
    if kind == "newCall":
        return [
            CallJoined(
                callid, queue or "default", str(data.get("from", ""))[:40], at, str(data.get("to", ""))[:40]
            )
        ]
    if kind == "answer" and agent:
        return [CallConnected(callid, queue, agent, agent, at)]
    if kind == "hangup":
        return [CallEnded(callid, at)]
    return []


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 of ``timestamp.body``, hex: what a platform puts in ``X-CTI-Signature``."""
    message = timestamp.encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def check_signature(
    secret: str, timestamp: str, body: bytes, given: str, now: float, window: int
) -> str | None:
    """None when the notice is authentic and fresh, else the reason it is refused."""
    if not secret:
        return "no secret configured"
    if not timestamp.isdigit() or len(timestamp) > 12:
        return "bad timestamp"
    if abs(now - int(timestamp)) > window:
        return "timestamp outside the replay window"
    if not hmac.compare_digest(signature(secret, timestamp, body), given):
        return "bad signature"
    return None
