"""The committee's pages: change requests (propose, impact, decide), meetings (thin views)."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from catalogue.forms import NewTypeForm, VersionForm
from catalogue.models import RequestType
from catalogue.services import latest_version
from committee import services
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
    WithdrawalForm,
)
from committee.models import ActivityReport, ChangeRequest, Meeting, MeetingRequest, Member, QuarterlyPack
from finance.counting import CountingRule
from organisations.access import scope_for


def _reader(request: HttpRequest) -> None:
    if not scope_for(request.user).sees_committee_work:
        raise PermissionDenied


# A few dozen change requests a year: numbered pages, as the meetings' list (below).
CHANGES_PER_PAGE = 50


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _reader(request)
    paginator = Paginator(
        ChangeRequest.objects.select_related("request_type", "draft", "proposed_by", "meeting"),
        CHANGES_PER_PAGE,
    )
    meetings = Meeting.objects.order_by("-starts_at")[:12]
    return render(
        request,
        "committee/index.html",
        {
            # a page number out of range or garbled gives the last or the first page
            "changes": paginator.get_page(request.GET.get("page")),
            "meetings": meetings,
            "can_propose": services.can_propose(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest) -> HttpResponse:
    if not services.can_propose(request.user):
        raise PermissionDenied
    kind = request.GET.get("kind") or request.POST.get("kind") or ChangeRequest.Kind.CHANGE
    if kind not in ChangeRequest.Kind.values:
        raise Http404
    code = (request.GET.get("type") or "").strip().upper()
    request_type = previous = None
    if kind != ChangeRequest.Kind.NEW_TYPE:
        request_type = RequestType.objects.filter(code=code).select_related("family").first()
        previous = latest_version(request_type) if request_type else None
        if previous is None:
            return render(
                request,
                "committee/choose_type.html",
                {
                    "kind": kind,
                    "code": code,
                    "types": RequestType.objects.filter(active=True).order_by("code"),
                },
                status=400 if code else 200,
            )
    if kind == ChangeRequest.Kind.WITHDRAWAL:
        form = WithdrawalForm(request.POST or None)
    elif kind == ChangeRequest.Kind.NEW_TYPE:
        form = NewTypeForm(request.POST or None)
    else:
        form = VersionForm(
            request.POST or None, previous=previous, initial=VersionForm.initial_from(previous)
        )
    if request.method == "POST" and form.is_valid():
        try:
            change = services.propose_change(
                request.user,
                kind=kind,
                reason=form.cleaned_data["reason"],
                effective_date=form.cleaned_data["effective_date"],
                data=getattr(form, "data_ready", None),
                request_type=request_type,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Change request recorded: it awaits the committee."))
            return redirect("committee:change", pk=change.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "kind": kind, "request_type": request_type, "previous": previous}
    return render(request, "committee/propose.html", context, status=status)


@login_required
def change(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    change = get_object_or_404(
        ChangeRequest.objects.select_related(
            "request_type", "draft__directorate", "draft__body", "proposed_by", "decided_by", "meeting"
        ),
        pk=pk,
    )
    return _change_page(request, change)


def _change_page(request: HttpRequest, change: ChangeRequest, status: int = 200, **forms) -> HttpResponse:
    current = latest_version(change.request_type)
    if current and change.draft and current.pk == change.draft.pk:
        current = None
    rule = change.impact.get("rule")
    context = {
        "change": change,
        "current": current,
        "impact": change.impact,
        "rule": CountingRule.from_dict(rule).describe() if rule is not None else [],
        "answers": change.answers.select_related("member__body"),
        "members": Member.objects.filter(active=True).count(),
        "can_decide": change.status == ChangeRequest.Status.PROPOSED and services.can_decide(request.user),
        "can_emergency": change.status == ChangeRequest.Status.PROPOSED
        and services.can_publish_in_emergency(request.user),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "answer_form": forms.get("answer_form") or AnswerForm(),
        "emergency_form": forms.get("emergency_form") or EmergencyForm(),
        "now": timezone.now(),
    }
    return render(request, "committee/change.html", context, status=status)


def _change_action(
    request: HttpRequest,
    pk: int,
    *,
    allowed: Callable[[object], bool],
    form_class: type[forms.Form],
    form_key: str,
    act: Callable[[ChangeRequest, dict], object],
    done: str,
    notify: Callable[[HttpRequest, str], None] = messages.success,
) -> HttpResponse:
    """One decision on a change request: the permission, the form, the service, the page again
    with the form's errors (400) or back to the request with a message."""
    change = get_object_or_404(ChangeRequest, pk=pk)
    if not allowed(request.user):
        raise PermissionDenied
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(change, form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            notify(request, done)
            return redirect("committee:change", pk=pk)
    return _change_page(request, change, status=400, **{form_key: form})


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_action(
        request, pk, allowed=services.can_decide, form_class=DecisionForm, form_key="decision_form",
        act=lambda change, data: services.decide(
            change, request.user, approve=data["outcome"] == "approve", meeting=data["meeting"],
            note=data["note"],
        ),
        done=_("The committee's decision is recorded."),
    )  # fmt: skip


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_action(
        request, pk, allowed=services.can_decide, form_class=AnswerForm, form_key="answer_form",
        act=lambda change, data: services.record_answer(change, data["member"], data["answer"], request.user),
        done=_("The member's answer is recorded."),
    )  # fmt: skip


@login_required
@require_POST
def emergency(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_action(
        request, pk, allowed=services.can_publish_in_emergency, form_class=EmergencyForm,
        form_key="emergency_form",
        act=lambda change, data: services.publish_in_emergency(change, request.user, note=data["note"]),
        done=_("Published in an emergency: the committee will ratify it at its next meeting."),
        notify=messages.warning,
    )  # fmt: skip


@login_required
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    item = get_object_or_404(Meeting.objects.select_related("requested_by", "minutes_recorded_by"), pk=pk)
    return render(
        request,
        "committee/meeting.html",
        {
            "meeting": item,
            "agenda": item.agenda.select_related("change_request__request_type"),
            "attendance": item.attendance.select_related("member__body"),
            "decisions": item.decisions.select_related("request_type"),
            "packs": item.packs.filter(status=QuarterlyPack.Status.DONE),
            "can_invite": services.can_decide(request.user) and not item.held,
            "can_record": services.can_decide(request.user) and item.starts_at <= timezone.now(),
        },
    )


# Meetings come four a year, with a few extraordinary ones: numbered pages (a count and one
# offset read of a small table) give the previous page as well as the next. The requests for
# an extraordinary meeting are paged the same way, with their own page number in the URL.
MEETINGS_PER_PAGE = 50
PACKS_PER_PAGE = 50
REQUESTS_PER_PAGE = 50


@login_required
def meetings(request: HttpRequest) -> HttpResponse:
    _reader(request)
    is_secretary = services.can_decide(request.user)
    paginator = Paginator(Meeting.objects.order_by("-starts_at", "-id"), MEETINGS_PER_PAGE)
    asked = Paginator(
        MeetingRequest.objects.select_related("member__body", "meeting").order_by("-requested_at", "-id"),
        REQUESTS_PER_PAGE,
    )
    context = {
        # a page number out of range or garbled gives the last or the first page
        "meetings": paginator.get_page(request.GET.get("page")),
        "requests": asked.get_page(request.GET.get("requests_page")),
        "is_secretary": is_secretary,
        "is_member": services.member_of(request.user) is not None,
    }
    return render(request, "committee/meetings.html", context)


def _secretary(request: HttpRequest) -> None:
    if not services.can_decide(request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def schedule(request: HttpRequest) -> HttpResponse:
    """The quarterly meetings proposed from the convention's date (A7.2): choose a convention
    year, see the dates, create them."""
    _secretary(request)
    form = MeetingScheduleForm(request.POST if request.method == "POST" else request.GET or None)
    days = []
    if form.is_bound and form.is_valid():
        agreement, year = form.cleaned_data["convention_year"]
        days = services.proposed_schedule(agreement, year)
        if request.method == "POST":
            created = services.create_quarterly(days)
            messages.success(request, _("%(n)s quarterly meetings proposed.") % {"n": len(created)})
            return redirect("committee:meetings")
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "committee/schedule.html", {"form": form, "days": days}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def ask_meeting(request: HttpRequest) -> HttpResponse:
    """Any member asks for an extraordinary meeting (A7.2)."""
    if services.member_of(request.user) is None:
        raise PermissionDenied
    form = MeetingRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.request_meeting(request.user, form.cleaned_data["reason"])
        messages.success(request, _("Your request is sent to the committee secretary."))
        return redirect("committee:meetings")
    status = 400 if request.method == "POST" else 200
    return render(request, "committee/ask_meeting.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def convene_request(request: HttpRequest, pk: int) -> HttpResponse:
    _secretary(request)
    asked = get_object_or_404(MeetingRequest.objects.select_related("member__body"), pk=pk)
    form = ConveneRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.convene_request(asked, request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Extraordinary meeting created: complete its agenda and send it."))
            return redirect("committee:convene", pk=item.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "committee/convene_request.html", {"form": form, "asked": asked}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def convene(request: HttpRequest, pk: int) -> HttpResponse:
    """Date, place, agenda and pack of a meeting, then the invitations."""
    _secretary(request)
    item = get_object_or_404(Meeting, pk=pk)
    free = "\n".join(item.agenda.filter(change_request__isnull=True).values_list("title", flat=True))
    form = ConveneForm(
        request.POST or None,
        initial={"starts_at": timezone.localtime(item.starts_at), "place": item.place, "items": free,
                 "pack": item.packs.filter(status=QuarterlyPack.Status.DONE).first()},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            services.convene(item, request.user, **form.cleaned_data)
            if request.POST.get("action") == "send":
                count = services.send_invitations(item, request.user)
                messages.success(request, _("Invitations sent to %(n)s members.") % {"n": count})
            else:
                messages.success(request, _("The meeting is saved."))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("committee:meeting", pk=pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "meeting": item, "agenda": item.agenda.filter(change_request__isnull=False)}
    return render(request, "committee/convene.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    """Attendance, minutes, campaigns proposed and decisions of a meeting that took place."""
    _secretary(request)
    item = get_object_or_404(Meeting, pk=pk)
    members = list(Member.objects.filter(active=True).select_related("body"))
    recorded = {a.member_id: a for a in item.attendance.all()}
    initial = {"minutes": item.minutes, "campaigns": item.campaigns}
    for member in members:
        if member.pk in recorded:
            initial[f"attendance_{member.pk}"] = recorded[member.pk].status
            initial[f"proxy_{member.pk}"] = recorded[member.pk].represented_by
    form = MinutesForm(
        request.POST or None, initial=initial, members=members, changes=services.agenda_changes(item)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_minutes(
                item,
                request.user,
                attendance=form.attendance(),
                minutes=form.cleaned_data["minutes"],
                campaigns=form.cleaned_data["campaigns"],
                decisions=form.decisions(),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, errors in exc.error_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("The minutes are recorded."))
            return redirect("committee:meeting", pk=pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "committee/minutes.html", {"form": form, "meeting": item}, status=status)


@login_required
def meeting_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    item = get_object_or_404(Meeting, pk=pk)
    response = HttpResponse(services.meeting_ics(item), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="reunion-comite-{item.pk}.ics"'
    return response


@login_required
@require_POST
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Meeting, pk=pk)
    if not services.can_decide(request.user):
        raise PermissionDenied
    try:
        count = services.send_invitations(item, request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Invitations sent to %(n)s members.") % {"n": count})
    return redirect("committee:meeting", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def packs(request: HttpRequest) -> HttpResponse:
    _reader(request)
    form = PackForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        pack = services.request_pack(request.user, form.cleaned_data["year"], form.cleaned_data["quarter"])
        return redirect("committee:pack", pk=pack.pk)
    status = 400 if request.method == "POST" else 200
    paginator = Paginator(
        QuarterlyPack.objects.select_related("requested_by").order_by(*QuarterlyPack._meta.ordering, "-id"),
        PACKS_PER_PAGE,
    )
    packs = paginator.get_page(request.GET.get("page"))  # out of range or garbled: the last or first
    return render(request, "committee/packs.html", {"form": form, "packs": packs}, status=status)


@login_required
def pack(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    item = get_object_or_404(QuarterlyPack, pk=pk)
    template = "committee/_pack_progress.html" if request.htmx else "committee/pack_page.html"
    return render(request, template, {"pack": item})


@login_required
def pack_file(request: HttpRequest, pk: int, fmt: str) -> FileResponse:
    _reader(request)
    item = get_object_or_404(QuarterlyPack, pk=pk, status=QuarterlyPack.Status.DONE)
    if fmt not in ("pdf", "xlsx"):
        raise Http404
    field = item.pdf if fmt == "pdf" else item.xlsx
    name = f"dossier-comite-{item.year}-T{item.quarter}.{fmt}"
    return FileResponse(field.open("rb"), as_attachment=True, filename=name)


@login_required
@require_http_methods(["GET", "POST"])
def reports(request: HttpRequest) -> HttpResponse:
    _reader(request)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        agreement, year = form.cleaned_data["convention_year"]
        try:
            report = services.create_report(request.user, agreement, year)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("committee:report", pk=report.pk)
    status = 400 if request.method == "POST" else 200
    context = {
        "form": form,
        "reports": ActivityReport.objects.select_related("signed_by", "agreement"),
        "can_edit": services.can_decide(request.user),
    }
    return render(request, "committee/reports.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    item = get_object_or_404(ActivityReport.objects.select_related("signed_by", "agreement"), pk=pk)
    if request.htmx and request.method == "GET":
        return render(request, "committee/_report_progress.html", {"report": item})
    form = TextsForm(
        request.POST or None, initial={"introduction": item.introduction, "conclusion": item.conclusion}
    )
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "sign":
                services.sign_off(item, request.user)
                messages.success(request, _("The report is signed off and frozen."))
                return redirect("committee:report", pk=pk)
            if not form.is_valid():
                raise ValidationError(_("Correct the texts below."))
            item = services.save_texts(item, request.user, **form.cleaned_data)
            if action == "generate":
                services.generate_report(item, request.user)
                messages.success(request, _("The report is saved; its figures are being gathered."))
            else:
                messages.success(request, _("The report is saved."))
            return redirect("committee:report", pk=pk)
        except ValidationError as exc:
            form.add_error(None, exc)
            status = 400
    context = {
        "report": item,
        "form": form,
        "can_edit": not item.signed and services.can_decide(request.user),
    }
    return render(request, "committee/report.html", context, status=status)


@login_required
def report_file(request: HttpRequest, pk: int, fmt: str) -> FileResponse:
    _reader(request)
    item = get_object_or_404(
        ActivityReport, pk=pk, generated_at__isnull=False, status=ActivityReport.Status.DONE
    )
    if fmt not in ("pdf", "xlsx"):
        raise Http404
    field = item.pdf if fmt == "pdf" else item.xlsx
    return FileResponse(field.open("rb"), as_attachment=True, filename=f"rapport-activite-{item.year}.{fmt}")
