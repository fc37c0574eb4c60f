"""Responses checked against the GeoReport v2 JSON Schemas of open311/schema-validation
(schema/georeport-v2/*.json @ 47e06a4), rewritten here as Python data with a small
validator for the keywords they use (type, required, properties, items, enum, anyOf,
maxLength, format)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from open311.tests.conftest import BASE

pytestmark = pytest.mark.django_db

STRING, BOOLEAN, NUMBER, INTEGER = (
    {"type": "string"},
    {"type": "boolean"},
    {"type": "number"},
    {"type": "integer"},
)


def nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


SERVICE = {
    "type": "object",
    "required": ["service_code", "service_name", "metadata", "type"],
    "properties": {
        "service_code": STRING,
        "service_name": STRING,
        "description": nullable(STRING),
        "metadata": BOOLEAN,
        "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
        "keywords": nullable(STRING),
        "group": nullable(STRING),
    },
}
SERVICES = {"type": "array", "items": SERVICE}
DEFINITION = {
    "type": "object",
    "required": ["service_code", "attributes"],
    "properties": {
        "service_code": STRING,
        "attributes": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["variable", "code", "datatype", "required"],
                "properties": {
                    "variable": BOOLEAN,
                    "code": STRING,
                    "datatype": {
                        "type": "string",
                        "enum": ["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"],
                    },
                    "required": BOOLEAN,
                    "datatype_description": nullable(STRING),
                    "order": nullable(INTEGER),
                    "description": nullable(STRING),
                    "values": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["key", "name"],
                            "properties": {"key": STRING, "name": STRING},
                        },
                    },
                },
            },
        },
    },
}
DATETIME = {"type": "string", "format": "date-time"}
REQUEST = {
    "type": "object",
    "required": ["service_request_id", "status", "service_code", "requested_datetime"],
    "properties": {
        "service_request_id": STRING,
        "status": {"type": "string", "enum": ["open", "closed"]},
        "status_notes": nullable(STRING),
        "service_name": nullable(STRING),
        "service_code": STRING,
        "description": nullable({"type": "string", "maxLength": 4000}),
        "agency_responsible": nullable(STRING),
        "service_notice": nullable(STRING),
        "requested_datetime": DATETIME,
        "updated_datetime": nullable(DATETIME),
        "expected_datetime": nullable(DATETIME),
        "address": nullable(STRING),
        "address_id": nullable(STRING),
        "zipcode": nullable(STRING),
        "lat": nullable(NUMBER),
        "long": nullable(NUMBER),
        "media_url": nullable({"type": "string", "format": "uri"}),
    },
}
REQUESTS = {"type": "array", "items": REQUEST}

TYPES = {
    "string": str,
    "boolean": bool,
    "object": dict,
    "array": list,
    "null": type(None),
}
FORMATS = {
    "date-time": re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})"),
    "uri": re.compile(r"https?://\S+"),
}


def errors(value: Any, schema: dict, where: str = "$") -> list[str]:
    if "anyOf" in schema:
        return (
            []
            if any(not errors(value, s, where) for s in schema["anyOf"])
            else [f"{where}: no anyOf matches"]
        )
    kind = schema.get("type")
    if kind == "number":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif kind == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = kind is None or isinstance(value, TYPES[kind])
    if not ok:
        return [f"{where}: {value!r} is not {kind}"]
    found = []
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: {value!r} not in {schema['enum']}")
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        found.append(f"{where}: longer than {schema['maxLength']}")
    if "format" in schema and not FORMATS[schema["format"]].fullmatch(value):
        found.append(f"{where}: {value!r} is not {schema['format']}")
    if kind == "object":
        found += [f"{where}.{name}: missing" for name in schema.get("required", []) if name not in value]
        for name, inner in schema.get("properties", {}).items():
            if name in value:
                found += errors(value[name], inner, f"{where}.{name}")
    if kind == "array":
        for index, item in enumerate(value):
            found += errors(item, schema["items"], f"{where}[{index}]")
    return found


def test_the_validator_catches_what_the_schemas_forbid():
    assert sorted(errors([{"service_code": 1, "metadata": "false", "type": "realtime"}], SERVICES)) == [
        "$[0].metadata: 'false' is not boolean",
        "$[0].service_code: 1 is not string",
        "$[0].service_name: missing",
    ]
    assert errors([{"status": "in_progress"}], REQUESTS)
    assert errors({"lat": "43.3"}, {"type": "object", "properties": {"lat": nullable(NUMBER)}})


def test_every_response_follows_the_schemas(client, post, make_fiche, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fiches.services import set_publishable

    response = post(
        service_code="PRO-DEPOT",
        description="Sacs",
        files={"media": SimpleUploadedFile("p.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 16)},
    )
    reference = json.loads(response.content)[0]["service_request_id"]
    make_fiche("VOI-NID")  # with a requester, no coordinates
    from fiches.models import Fiche

    set_publishable(Fiche.objects.get(reference=reference), users["agent"], True)
    services = json.loads(client.get(f"{BASE}/services.json").content)
    assert errors(services, SERVICES) == []
    for service in services:
        definition = json.loads(client.get(f"{BASE}/services/{service['service_code']}.json").content)
        assert errors(definition, DEFINITION) == []
    rows = json.loads(client.get(f"{BASE}/requests.json").content)
    assert len(rows) == 2
    assert rows[1]["media_url"]  # the checked one shows its photo
    assert errors(rows, REQUESTS) == []
    assert errors(json.loads(client.get(f"{BASE}/requests/{reference}.json").content), REQUESTS) == []
