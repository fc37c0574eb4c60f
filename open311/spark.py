"""GeoReport v2 payloads in XML and JSON from one Python structure (the "Spark" convention).

XML: a root element, plural containers with singular children (``services/service``),
lowercase booleans, empty elements for missing values. JSON: the same data with the root
dropped; containers are arrays even with one element; native booleans, numbers and nulls.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

SINGULAR = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "media_urls": "media_url",
    "notes": "note",
}

XML_TYPE = "text/xml; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"


def w3c(moment: datetime | None) -> str | None:
    """UTC, second precision, ``Z``: the one form every client and validator reads."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return w3c(value) or ""
    return escape(_xml_safe(str(value)))


def _xml_safe(text: str) -> str:
    """Characters XML 1.0 cannot carry (control characters) are dropped."""
    return "".join(c for c in text if c in "\t\n\r" or ord(c) >= 0x20)


def _element(name: str, value: Any, parts: list[str]) -> None:
    if isinstance(value, dict):
        parts.append(f"<{name}>")
        for key, item in value.items():
            _element(key, item, parts)
        parts.append(f"</{name}>")
    elif isinstance(value, list | tuple):
        child = SINGULAR.get(name, "item")
        parts.append(f"<{name}>")
        for item in value:
            _element(child, item, parts)
        parts.append(f"</{name}>")
    else:
        parts.append(f"<{name}>{_scalar(value)}</{name}>")


def to_xml(root: str, data: Any) -> str:
    parts = ['<?xml version="1.0" encoding="utf-8"?>']
    _element(root, data, parts)
    return "".join(parts)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return w3c(value)
    raise TypeError(type(value).__name__)


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, default=_json_default)


def render(fmt: str, root: str, data: Any) -> tuple[str, str]:
    """The body and its content type for ``fmt`` (``xml`` or ``json``)."""
    if fmt == "json":
        return to_json(data), JSON_TYPE
    return to_xml(root, data), XML_TYPE
