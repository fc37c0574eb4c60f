"""Reading GeoReport v2 parameters as real clients send them (research note §1.10).

Pure functions: they answer a value or raise ``ParamError`` (a 400 in the spec's form)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from django.http import QueryDict

from core.parsing import FIRST_DAY, LAST_DAY


class ParamError(ValueError):
    """A parameter the server cannot use: the description names it."""


_MOMENT = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2})?)(?P<fraction>[.,]\d{1,9})?"
    r"(?P<zone>Z|z|[+\- ]\d{2}:?\d{2})?)?"
)


def parse_w3c(name: str, value: str) -> datetime:
    """A W3C date-time: ``Z``, ``±HH:MM``, ``±HHMM``, fractional seconds, a space where an
    unescaped ``+`` was meant, or a bare date (midnight UTC). No zone is read as UTC."""
    match = _MOMENT.fullmatch(value.strip())
    if match is None:
        raise ParamError(f"{name}: not a W3C date-time such as 2026-01-31T08:00:00Z")
    try:
        day = date.fromisoformat(match["date"])
        clock = time.fromisoformat(match["time"]) if match["time"] else time()
    except ValueError:
        raise ParamError(f"{name}: not a valid date") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ParamError(f"{name}: outside {FIRST_DAY.year}-{LAST_DAY.year}")
    zone = (match["zone"] or "Z").replace(" ", "+")
    offset = "+00:00" if zone in ("Z", "z") else f"{zone[:3]}:{zone[-2:]}"
    try:
        moment = datetime.fromisoformat(f"{day.isoformat()}T{clock.isoformat()}{offset}")
    except ValueError:
        raise ParamError(f"{name}: invalid time zone offset") from None
    return moment.astimezone(UTC)


def many(params: QueryDict, name: str) -> list[str]:
    """A multi-valued filter, comma-separated and/or repeated; empty values are ignored."""
    values: list[str] = []
    for raw in params.getlist(name):
        values.extend(part.strip() for part in raw.split(",") if part.strip())
    return list(dict.fromkeys(values))


_ATTRIBUTE = re.compile(r"attribute\[(?P<code>[^\[\]]+)\](?:\[\])?")


def attributes(params: QueryDict) -> dict[str, list[str]]:
    """``attribute[CODE]``, ``attribute[CODE][]``, repeated: every value of every code."""
    found: dict[str, list[str]] = {}
    for key in params:
        match = _ATTRIBUTE.fullmatch(key)
        if match:
            found.setdefault(match["code"], []).extend(v for v in params.getlist(key) if v.strip())
    return found


@dataclass(frozen=True)
class Address:
    street_number: str
    street_name: str
    postal_code: str


_POSTCODE = re.compile(r"\b(130(?:0[1-9]|1[0-6]))\b")
_NUMBER = re.compile(r"^(\d{1,4}(?:\s?(?:bis|ter|quater|[a-d]))?)\b[\s,]*", re.IGNORECASE)
_CITY = re.compile(r"[\s,]*\bmarseille\b(?:\s*\d{1,2}\s*(?:e|er|ème|eme))?[\s,]*$", re.IGNORECASE)


def split_address(text: str) -> Address:
    """A free-text address (not verified): a Marseille postal code if one is written, a
    leading street number, the rest as the street. "12 bis rue Paradis, 13001 Marseille"
    → ("12 bis", "rue Paradis", "13001")."""
    text = " ".join(text.split())
    postcode = ""
    match = _POSTCODE.search(text)
    if match:
        postcode = match[1]
        text = (text[: match.start()] + text[match.end() :]).strip(" ,")
    text = _CITY.sub("", text).strip(" ,")
    number = ""
    match = _NUMBER.match(text)
    if match and match.end() < len(text):
        number = match[1]
        text = text[match.end() :]
    return Address(street_number=number, street_name=text.strip(" ,"), postal_code=postcode)
