"""Bad input never gives a server error: every URL pattern of the project, for every role and
anonymously, with real objects and with hostile values in the path, in the query string of every
parameter the page reads and in every field of the forms it accepts. Runs on SQLite and on
PostgreSQL (NUL bytes and out-of-range integers only fail on PostgreSQL)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from audit.forms import AccessFilterForm
from callbacks.forms import AttemptForm
from callbacks.forms import QueueFilterForm as CallbackFilterForm
from catalogue.forms import ImportForm, ListFilterForm, NewTypeForm
from committee.forms import (
    AnswerForm,
    ConveneForm,
    ConveneRequestForm,
    DecisionForm,
    EmergencyForm,
    MeetingRequestForm,
    MeetingScheduleForm,
    MinutesForm,
    PackForm,
    ReportForm,
    TextsForm,
)
from core.testing import ROLES as STAFF_ROLES
from fiches.forms import ActionForm, FicheFilterForm, IntakeForm, NoteForm
from finance.forms import CancelForm, LineForm, PaidForm, RuleForm, SheetForm
from followup.forms import BulkForm, HoldForm, MessageForm, QueueFilterForm, ResolveForm, ScheduleForm
from knowledge.forms import AnswerForm as KnowledgeAnswerForm
from portal.forms import ReportForm as OnlineReportForm
from portal.forms import SurveyForm, TrackForm
from privacy.forms import EraseForm, RectifyForm, SearchForm
from reporting.forms import BarometerForm
from telephony.forms import CsvImportForm, FilterForm, StaffingForm, UploadForm

ROLES = [*STAFF_ROLES, None]  # None: anonymous

THIRTY_DIGITS = "9" * 30
# Values a form, a filter or a hand-written parser must refuse or ignore, never crash on.
HOSTILE_VALUES = [
    "²",
    "AM\x00",
    THIRTY_DIGITS,
    "9999-12-31",
    "0001-01-01",
    "2026-02-30T10:00",
    "inf",
    "-1",
    "a\r\nSet-Cookie: b=c",
    "x" * 5000,
]
HOSTILE_PATH_VALUES = {
    "str": ["²", "AM-2026-\x00", THIRTY_DIGITS, "9999-12-31", "0001-01-01", "inf", "-1", "A" * 2000],
    "int": [THIRTY_DIGITS, "0"],
}


def fields(form_class, prefix: str = "") -> list[str]:
    return [f"{prefix}-{name}" if prefix else name for name in form_class.base_fields]


@dataclass
class Page:
    """What a URL reads: query parameters, form fields it accepts by POST, and the real
    values that make its checks pass so that each hostile value reaches the code under it."""

    query: list[str] = field(default_factory=list)
    post: list[str] = field(default_factory=list)
    base_query: dict[str, str] = field(default_factory=dict)
    base_post: dict[str, str] = field(default_factory=dict)


# Every named URL of the project's apps (a new URL fails test_every_url_is_declared until
# it is listed here with the parameters it reads).
PAGES: dict[str, Page] = {
    "login": Page(query=["next"], post=["username", "password"]),
    "logout": Page(),
    "password_change": Page(post=["old_password", "new_password1", "new_password2"]),
    "password_change_done": Page(),
    "core:home": Page(),
    "accounts:security": Page(),
    "accounts:enrol": Page(query=["next"], post=["token", "next"]),
    "accounts:verify": Page(query=["next"], post=["token", "next"]),
    "accounts:recovery_codes": Page(),
    "accounts:logout_everywhere": Page(),
    "audit:access_log": Page(query=[*fields(AccessFilterForm), "avant", "id"]),
    "catalogue:list": Page(query=[*fields(ListFilterForm), "after"]),
    "catalogue:new": Page(post=fields(NewTypeForm)),
    "catalogue:import": Page(post=[*fields(ImportForm), "action"]),
    "catalogue:export_xlsx": Page(query=["versions"]),
    "catalogue:export_csv": Page(query=["versions"]),
    "catalogue:detail": Page(),
    "catalogue:publish": Page(post=fields(NewTypeForm)),
    "catalogue:toggle_active": Page(),
    "fiches:list": Page(query=[*fields(FicheFilterForm), "after", "vue"], base_query={"vue": "carte"}),
    "fiches:export": Page(query=fields(FicheFilterForm)),
    "fiches:lookup": Page(query=["reference"]),
    "fiches:intake": Page(
        query=["request_type"],
        post=[*fields(IntakeForm), "q_lamp", "follow_fiche", "search_types"],
        base_post={"request_type": "VOI-NID", "anonymous": "on", "channel": "phone"},
    ),
    "fiches:intake_types": Page(query=["type_query", "request_type"]),
    "fiches:intake_type_info": Page(query=["request_type"]),
    "fiches:intake_callers": Page(post=["caller_query"]),
    "fiches:intake_caller": Page(),
    "fiches:intake_duplicates": Page(
        query=["request_type", "latitude", "longitude", "street_number", "street_name", "postal_code"],
        base_query={"request_type": "VOI-NID", "street_name": "rue Paradis", "postal_code": "13001"},
    ),
    "fiches:detail": Page(),
    "places:search": Page(query=["address_query"], base_query={"address_query": "14 bd Longchamp"}),
    "places:reverse": Page(query=["lat", "lon"], base_query={"lat": "43.30158", "lon": "5.38708"}),
    "fiches:created": Page(),
    "fiches:act": Page(post=fields(ActionForm), base_post={"action": "acknowledge"}),
    "fiches:note": Page(post=fields(NoteForm), base_post={"comment": "Note"}),
    "fiches:upload": Page(post=["file"]),
    "fiches:download": Page(),
    "fiches:publication": Page(post=["publishable", "expected_version"]),
    "followup:queue": Page(query=[*fields(QueueFilterForm), "after", "vue"], base_query={"vue": "carte"}),
    "callbacks:queue": Page(query=fields(CallbackFilterForm)),
    "knowledge:list": Page(),
    "knowledge:new": Page(post=fields(KnowledgeAnswerForm), base_post={"title": "Titre", "text": "Texte"}),
    "knowledge:edit": Page(post=fields(KnowledgeAnswerForm), base_post={"title": "Titre", "text": "Texte"}),
    "knowledge:search": Page(query=["knowledge_query", "request_type"]),
    "knowledge:use": Page(),
    "knowledge:send": Page(post=["use", "channel"], base_post={"channel": "email"}),
    "callbacks:attempt": Page(post=fields(AttemptForm), base_post={"result": "no_answer"}),
    "followup:bulk": Page(
        post=[*fields(BulkForm), "fiche", "next"], base_post={"action": "acknowledge", "fiche": "1"}
    ),
    "followup:view_create": Page(post=["name", "querystring"]),
    "followup:view_delete": Page(),
    "followup:board": Page(),
    "followup:reroute_list": Page(query=["after"]),
    "followup:reroute": Page(query=["q"], post=["new_type", "comment", "expected_version"]),
    "followup:work": Page(
        query=["next"],
        post=[
            "do",
            "expected_version",
            "next",
            *fields(ScheduleForm, "schedule"),
            *fields(NoteForm, "note"),
            *fields(HoldForm, "hold"),
            *fields(ResolveForm, "resolve"),
        ],
        base_post={"do": "acknowledge"},
    ),
    "followup:thread_post": Page(post=[*fields(MessageForm), "next"]),
    "correspondence:post_room": Page(),
    "correspondence:create_batch": Page(),
    "correspondence:batch_pdf": Page(),
    "correspondence:letter_pdf": Page(),
    "correspondence:register": Page(query=["canal", "avant", "id"], base_query={"avant": "2026-01-01T10:00"}),
    "correspondence:send_notice": Page(post=["moment"]),
    "portal:track": Page(post=fields(TrackForm)),
    "portal:track_reference": Page(),
    "portal:status": Page(),
    "portal:survey": Page(post=fields(SurveyForm)),
    "report:form": Page(
        post=[*fields(OnlineReportForm), "photos"],
        base_post={
            "request_type": "VOI-NID",
            "description": "Trou",
            "street_name": "rue Paradis",
            "postal_code": "13001",
            "last_name": "Martin",
            "email": "m@example.org",
            "preferred_channel": "email",
            "consent": "on",
        },
    ),  # fmt: skip
    "report:addresses": Page(query=["address_query"], base_query={"address_query": "14 bd Longchamp"}),
    "report:done": Page(),
    "report:received": Page(),
    "report:moderation": Page(post=["submission", "decision"], base_post={"decision": "accept"}),
    "portal:satisfaction": Page(query=["since", "until"]),
    "privacy:notice": Page(),
    "privacy:people": Page(query=fields(SearchForm)),
    "privacy:person": Page(query=["ids"]),
    "privacy:access_file": Page(query=["ids"]),
    "privacy:rectify": Page(post=fields(RectifyForm), base_post={"person": "1", "last_name": "Durand"}),
    "privacy:erase": Page(post=["ids", *fields(EraseForm)], base_post={"ids": "1"}),
    "telephony:dashboard": Page(query=fields(FilterForm)),
    "telephony:day": Page(query=[*fields(FilterForm), "after"]),
    "telephony:export": Page(query=fields(FilterForm)),
    "telephony:staffing": Page(query=[*fields(StaffingForm), "format"]),
    "telephony:upload": Page(post=fields(UploadForm)),
    "telephony:upload_csv": Page(post=fields(CsvImportForm)),
    "telephony:import_run": Page(),
    "telephony:stop_import": Page(),
    "cti:wallboard": Page(query=["grand"]),
    "cti:pop": Page(query=["shown"]),
    "cti:dismiss": Page(post=["callid"]),
    "cti:notify": Page(post=["event", "callId", "from", "to", "queue", "user"]),
    "reporting:barometer": Page(query=fields(BarometerForm)),
    "reporting:export": Page(query=[*fields(BarometerForm), "table"]),
    "committee:index": Page(query=["page"]),
    "committee:propose": Page(
        query=["kind", "type"],
        post=["kind", *fields(NewTypeForm), "reason", "effective_from"],
    ),
    "committee:change": Page(),
    "committee:decide": Page(post=fields(DecisionForm)),
    "committee:answer": Page(post=fields(AnswerForm)),
    "committee:emergency": Page(post=fields(EmergencyForm)),
    "committee:packs": Page(query=["page"], post=fields(PackForm)),
    "committee:pack": Page(),
    "committee:pack_file": Page(),
    "committee:reports": Page(post=fields(ReportForm)),
    "committee:report": Page(post=[*fields(TextsForm), "action"]),
    "committee:report_file": Page(),
    "committee:meeting": Page(),
    "committee:meeting_ics": Page(),
    "committee:invite": Page(),
    "committee:meetings": Page(query=["page", "requests_page"]),
    "committee:schedule": Page(query=fields(MeetingScheduleForm), post=fields(MeetingScheduleForm)),
    "committee:ask_meeting": Page(post=fields(MeetingRequestForm), base_post={"reason": "Urgence"}),
    "committee:convene_request": Page(post=fields(ConveneRequestForm)),
    "committee:convene": Page(
        post=[*fields(ConveneForm), "action"], base_post={"starts_at": "2026-03-31T10:00"}
    ),
    "committee:minutes": Page(
        post=[*fields(MinutesForm), "attendance_1", "proxy_1", "decision_1", "attendance_2", "proxy_2"]
    ),
    "finance:index": Page(),
    "finance:agreement": Page(),
    "finance:annex": Page(),
    "finance:renewal_letter": Page(),
    "finance:agreement_action": Page(
        post=["letter-day", "answer-day", "answer-answer", "notice-day", "notice-served_by"]
    ),
    "finance:year": Page(),
    "finance:sheet": Page(
        post=[*fields(SheetForm), "lines-TOTAL_FORMS", *fields(LineForm, "lines-0")],
        base_post={"lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0"},
    ),
    "finance:key_compute": Page(post=fields(RuleForm), base_post={"body": "final"}),
    "finance:key_validate": Page(),
    "finance:order_issue": Page(),
    "finance:register": Page(),
    "finance:register_csv": Page(),
    "finance:order_pdf": Page(),
    "finance:order_paid": Page(post=fields(PaidForm)),
    "finance:order_cancel": Page(post=fields(CancelForm), base_post={"reason": "Erreur"}),
    "partners:schema": Page(query=["format", "lang"]),
    "partners:swagger": Page(),
    "partners:redoc": Page(),
    "partners:fiches": Page(query=["status", "type", "created_from", "created_to", "cursor", "page_size"]),
    "partners:fiche": Page(),
    "partners:action": Page(
        post=["action", "expected_version", "comment", "outcome", "reason", "original", "public"],
        base_post={"action": "acknowledge", "expected_version": "0"},
    ),
    "partners:note": Page(
        post=["text", "public", "expected_version"], base_post={"text": "x", "expected_version": "0"}
    ),
    "partners:attachments": Page(post=["file"]),
    "partners:attachment": Page(),
    "open311:discovery": Page(),
    "open311:discovery_v2": Page(),
    "open311:services": Page(query=["jurisdiction_id", "api_key"]),
    "open311:service": Page(query=["jurisdiction_id"]),
    "open311:requests": Page(
        query=[
            "jurisdiction_id",
            "service_request_id",
            "service_code",
            "start_date",
            "end_date",
            "status",
            "updated_after",
            "updated_before",
            "page",
            "page_size",
            "max_requests",
            "api_key",
        ],
        post=[
            "api_key",
            "jurisdiction_id",
            "service_code",
            "lat",
            "long",
            "address_string",
            "address_id",
            "attribute[lamp]",
            "email",
            "device_id",
            "account_id",
            "first_name",
            "last_name",
            "phone",
            "description",
            "media_url",
        ],
        base_post={"api_key": "hostile-input-key", "service_code": "NET-DEPOT", "lat": "43.3", "long": "5.4"},
    ),
    "open311:request": Page(query=["jurisdiction_id"]),
    "open311:token": Page(),
    "open311:media": Page(),
}

# The fiche list's search by a word of the address reads an FTS5 table on SQLite and a trigram
# index on PostgreSQL: their query syntax, LIKE's wildcards, a NUL, a long text.
ADDRESS_TEXTS = ["%", "_", '"', "*", "rue*", '"rue" OR *', "NEAR(rue", "ru%e_\\", "rue\x00", "²²²"]
ADDRESS_SEARCHES = [{"q": text} for text in [*ADDRESS_TEXTS, "x" * 10_000]]
# Pairs that break only together (a valid date with a hostile id, a type with a hostile place).
COMBINED_QUERIES = {
    "correspondence:register": [
        {"avant": "2026-02-30T10:00", "id": "1"},
        {"avant": "2026-01-01T10:00", "id": "²"},
        {"avant": "2026-01-01T10:00", "id": THIRTY_DIGITS},
    ],
    "fiches:intake_duplicates": [
        {"request_type": "VOI-NID", "latitude": "inf", "longitude": "-inf"},
        {"request_type": "VOI-NID", "latitude": "nan", "longitude": "nan"},
        {"request_type": "VOI-NID", "latitude": "1e308", "longitude": "-1e308"},
    ],
    "fiches:list": [
        {"date_from": "0001-01-01", "date_to": "9999-12-31"},
        {"after": f"1_{THIRTY_DIGITS}"},
        {"after": f"{THIRTY_DIGITS}_1"},
        *ADDRESS_SEARCHES,
        *({"cell": "1", **search} for search in ADDRESS_SEARCHES),
    ],
    "fiches:export": ADDRESS_SEARCHES,
    "partners:fiches": [
        {"created_from": "0001-01-01", "created_to": "9999-12-31"},
        {"cursor": f"1_{THIRTY_DIGITS}"},
        {"cursor": "99999999999999999_1"},
        {"status": ["new", "²"]},
    ],
    # keyset cursors with an id or a moment out of range
    "followup:queue": [{"after": f"1_1.5_{THIRTY_DIGITS}"}, {"after": f"1_{THIRTY_DIGITS}_1"}],
    "telephony:day": [
        {"after": f"2026-01-05T10:00:00+00:00_{THIRTY_DIGITS}"},
        {"after": "9999-12-31T23:59_1"},
    ],
}


def _route_patterns(resolvers, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    """(route with converters, URL name) of every URL of the project's apps (not the admin)."""
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _route_patterns(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + str(entry.pattern), namespace + entry.name


CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")


def _fill(route: str, values: dict[str, str]) -> str:
    return "/" + CONVERTER.sub(lambda m: quote(values[m["name"]], safe=""), route)


@dataclass
class Demo:
    real: dict[str, dict[str, str]]  # URL name -> path values of a real object
    users: dict[str, object]
    media_root: Path


def _real_values() -> dict[str, dict[str, str]]:
    from agreements.models import Agreement, Annex
    from callbacks.models import Callback
    from correspondence.models import Batch, Channel, Message
    from fiches.models import Attachment, Fiche, Requester
    from finance.models import RevenueOrder
    from followup.models import SavedView
    from knowledge.models import Answer
    from portal import links
    from telephony.models import ImportRun, QueuePassage

    fiche = Fiche.objects.filter(body__kind="operator").order_by("-created_at").first()
    attachment = Attachment.objects.select_related("fiche").first()
    letter = Message.objects.filter(channel=Channel.LETTER).first()
    passage = QueuePassage.objects.order_by("-entered_at").first()
    view = SavedView.objects.first()
    by_reference = {"reference": fiche.reference}
    values = dict.fromkeys(
        (
            "fiches:detail",
            "fiches:created",
            "fiches:act",
            "fiches:note",
            "fiches:upload",
            "fiches:publication",
            "followup:reroute",
            "followup:work",
            "followup:thread_post",
            "correspondence:send_notice",
            "portal:track_reference",
            "partners:fiche",
            "partners:action",
            "partners:note",
            "partners:attachments",
        ),
        by_reference,
    )
    return {
        **values,
        "fiches:download": {
            "reference": attachment.fiche.reference if attachment else fiche.reference,
            "pk": str(attachment.pk if attachment else 1),
        },
        "partners:attachment": {
            "reference": attachment.fiche.reference if attachment else fiche.reference,
            "pk": str(attachment.pk if attachment else 1),
        },
        "fiches:export": {"fmt": "csv"},
        "knowledge:edit": {"pk": str(Answer.objects.values_list("pk", flat=True).first() or 1)},
        "knowledge:use": {"pk": str(Answer.objects.values_list("pk", flat=True).first() or 1)},
        "knowledge:send": by_reference,
        "callbacks:attempt": {"pk": str(Callback.objects.values_list("pk", flat=True).first() or 1)},
        "fiches:intake_caller": {"pk": str(Requester.objects.values_list("pk", flat=True).first())},
        "followup:view_delete": {"pk": str(view.pk) if view else "1"},
        "correspondence:batch_pdf": {"pk": str(Batch.objects.values_list("pk", flat=True).first() or 1)},
        "correspondence:letter_pdf": {"pk": str(letter.pk) if letter else "1"},
        "portal:status": {"token": links.track_token(fiche.pk)},
        "portal:survey": {"token": links.survey_token(fiche.pk)},
        "report:done": {"token": links.track_token(fiche.pk)},
        "catalogue:detail": {"code": "VOI-NID"},
        "catalogue:publish": {"code": "VOI-NID"},
        "catalogue:toggle_active": {"code": "VOI-NID"},
        "privacy:access_file": {"fmt": "json"},
        "telephony:day": {"day": passage.entered_at.date().isoformat() if passage else "2026-01-05"},
        "telephony:import_run": {"pk": str(ImportRun.objects.values_list("pk", flat=True).first() or 1)},
        "telephony:stop_import": {"pk": str(ImportRun.objects.values_list("pk", flat=True).first() or 1)},
        **_finance_values(Agreement, Annex, RevenueOrder),
        **_committee_values(),
        **_open311_values(),
    }


def _open311_values() -> dict[str, dict[str, str]]:
    """A client holding the key PAGES posts with, and a fiche Open311 shows."""
    from fiches.models import Attachment, Fiche
    from open311.models import ApiClient, hash_key

    ApiClient.objects.create(
        name="Hostile",
        account=get_user_model().objects.get(username="agent"),
        key_prefix="hostile-",
        key_hash=hash_key("hostile-input-key"),
        requests_per_minute=100_000,
    )
    fiche = Fiche.objects.filter(request_type__public_channel=True).first()
    attachment = Attachment.objects.select_related("fiche").first()
    json = {"fmt": "json"}
    return {
        "open311:discovery": json,
        "open311:discovery_v2": json,
        "open311:services": json,
        "open311:service": {"code": "NET-DEPOT", "fmt": "json"},
        "open311:requests": json,
        "open311:request": {"request_id": fiche.reference if fiche else "AM-2026-000001", "fmt": "json"},
        "open311:token": {"token": "1", "fmt": "json"},
        "open311:media": {
            "reference": attachment.fiche.reference if attachment else "AM-2026-000001",
            "pk": str(attachment.pk if attachment else 1),
        },
    }


def _committee_values() -> dict[str, dict[str, str]]:
    from committee.models import ActivityReport, ChangeRequest, Meeting, MeetingRequest, QuarterlyPack

    def first(model) -> str:
        return str(model.objects.values_list("pk", flat=True).first() or 1)

    change, pack, report, meeting = (
        first(m) for m in (ChangeRequest, QuarterlyPack, ActivityReport, Meeting)
    )
    return {
        "reporting:export": {"fmt": "csv"},
        "committee:change": {"pk": change},
        "committee:decide": {"pk": change},
        "committee:answer": {"pk": change},
        "committee:emergency": {"pk": change},
        "committee:pack": {"pk": pack},
        "committee:pack_file": {"pk": pack, "fmt": "pdf"},
        "committee:report": {"pk": report},
        "committee:report_file": {"pk": report, "fmt": "pdf"},
        "committee:meeting": {"pk": meeting},
        "committee:meeting_ics": {"pk": meeting},
        "committee:invite": {"pk": meeting},
        "committee:convene": {"pk": meeting},
        "committee:minutes": {"pk": meeting},
        "committee:convene_request": {"pk": first(MeetingRequest)},
    }


def _finance_values(agreement_model, annex_model, order_model) -> dict[str, dict[str, str]]:
    agreement = str(agreement_model.objects.values_list("pk", flat=True).first() or 1)
    annex = annex_model.objects.values_list("pk", flat=True).first()
    number = order_model.objects.values_list("number", flat=True).first() or "TR-2026-0001"
    by_year = {"pk": agreement, "year": "1"}
    return {
        "finance:agreement": {"pk": agreement},
        "finance:annex": {"pk": agreement, "annex": str(annex or 1)},
        "finance:renewal_letter": {"pk": agreement},
        "finance:agreement_action": {"pk": agreement, "action": "letter"},
        "finance:year": by_year,
        "finance:sheet": by_year,
        "finance:key_compute": by_year,
        "finance:key_validate": by_year,
        "finance:order_issue": {**by_year, "quarter": "4"},
        "finance:order_pdf": {"number": number},
        "finance:order_paid": {"number": number},
        "finance:order_cancel": {"number": number},
    }


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Demo]:
    """The demonstration data, loaded once for the module and rolled back at its end."""
    media_root = tmp_path_factory.mktemp("media")
    quiet = override_settings(
        MEDIA_ROOT=media_root,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
    )
    with quiet, django_db_blocker.unblock(), transaction.atomic():
        call_command("demo_data", "--fiches", "120", "--call-days", "3", verbosity=0)
        users = {u.username: u for u in get_user_model().objects.filter(username__in=ROLES)}
        yield Demo(real=_real_values(), users=users, media_root=media_root)
        transaction.set_rollback(True)


def test_every_url_is_declared():
    names = {name for _route, name in _route_patterns(get_resolver().url_patterns)}
    assert names == set(PAGES), "declare the parameters of every new URL in PAGES"


def _refused(response) -> bool:
    """The role may not use this page (or this method): nothing under the gate to exercise."""
    to_login = response.status_code == 302 and response.url.startswith(reverse("login"))
    return to_login or response.status_code in (403, 404, 405)


class Walker:
    """Sends the hostile requests for one URL pattern as every role, and collects the server
    errors. Each hostile value is sent once, by the roles that may use the page in turn, so
    that every role meets hostile values and the walk stays fast."""

    def __init__(self, demo: Demo) -> None:
        self.failures: list[str] = []
        self.clients = {}
        for username in ROLES:
            client = Client(raise_request_exception=False)
            if username:
                client.force_login(demo.users[username])
            self.clients[username] = client

    def send(self, username: str | None, method: str, url: str, data: dict | None = None):
        client = self.clients[username]
        response = client.get(url) if method == "GET" else client.post(url, data or {})
        if response.status_code >= 500:
            shown = {k: v[:40] for k, v in (data or {}).items()}
            self.failures.append(
                f"{username or 'anonymous'}: {method} {url[:160]} {shown} -> {response.status_code}"
            )
        return response

    def users_of(self, method: str, url: str, data: dict | None = None) -> list[str | None]:
        """The roles whose request passes the page's gate (all roles answer)."""
        return [u for u in ROLES if not _refused(self.send(u, method, url, data))]

    def in_turn(self, users: list[str | None], requests: list[tuple[str, str, dict]]) -> None:
        for index, (method, url, data) in enumerate(requests):
            self.send(users[index % len(users)], method, url, data)

    def walk(self, route: str, name: str, real: dict[str, str]) -> None:
        page = PAGES[name]
        converters = {m["name"]: m["kind"] or "str" for m in CONVERTER.finditer(route)}
        url = _fill(route, real)
        readers = self.users_of("GET", url)
        paths = [
            ("GET", _fill(route, {**real, param: value}), {})
            for param, kind in converters.items()
            for value in HOSTILE_PATH_VALUES[kind]
        ]
        self.in_turn(readers or ROLES, paths)
        if readers:
            queries = [
                ("GET", f"{url}?{urlencode({**page.base_query, param: value})}", {})
                for param in page.query
                for value in HOSTILE_VALUES
            ]
            self.in_turn(readers, queries)
            for combined in COMBINED_QUERIES.get(name, []):
                for username in readers:
                    self.send(username, "GET", f"{url}?{urlencode(combined)}")
        if page.post or not page.query:
            writers = self.users_of("POST", url, page.base_post)
            if writers:
                posts = [
                    ("POST", url, {**page.base_post, param: value})
                    for param in page.post
                    for value in HOSTILE_VALUES
                ]
                self.in_turn(writers, posts)


ROUTES = {name: route for route, name in _route_patterns(get_resolver().url_patterns)}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_no_hostile_value_gives_a_server_error(demo, db, settings, name):
    settings.MEDIA_ROOT = demo.media_root  # the demo's letters and attachments
    walker = Walker(demo)
    walker.walk(ROUTES[name], name, demo.real.get(name, {}))
    assert not walker.failures, "\n".join(walker.failures)


ADMIN_QUERIES = [{"q": "AM\x00"}, {"q": "x" * 5000}, {"p": THIRTY_DIGITS}, {"o": "²"}, {"id__exact": "²"}]


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_admin_pages_refuse_hostile_queries_and_ids(client, demo, db, model):
    client.force_login(demo.users["admin"])
    client.raise_request_exception = False
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    urls = [f"{changelist}?{urlencode(query)}" for query in ADMIN_QUERIES] + [
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[value])
        for value in ("²", THIRTY_DIGITS, "-1", "inf")
    ]
    failures = [f"{url[:120]} -> {status}" for url in urls if (status := client.get(url).status_code) >= 500]
    assert not failures, "\n".join(failures)
