"""Changing the committee's records: proposals, decisions, written consultations, emergency
publications. Every nomenclature publication of the committee workflow goes through here."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from email.utils import parseaddr
from time import perf_counter

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalogue.models import RequestType, RequestTypeVersion
from catalogue.services import (
    COMMITTEE,
    EMERGENCY,
    TypeData,
    effective_moment,
    latest_version,
    publish_draft,
    publish_version,
)
from committee import annual
from committee import pack as pack_module
from committee.calendar import ics_event, quarterly_dates
from committee.impact import compute_impact
from committee.models import (
    ActivityReport,
    AgendaItem,
    Attendance,
    ChangeRequest,
    ConsultationAnswer,
    Meeting,
    MeetingRequest,
    Member,
    QuarterlyPack,
)
from core.dates import french_datetime
from correspondence.letters import html_to_pdf
from organisations.access import scope_for
from organisations.models import Role

logger = logging.getLogger(__name__)


def can_propose(user) -> bool:
    """Any body's administrator or directorate manager (A3.7)."""
    return scope_for(user).has(Role.ADMINISTRATOR, Role.MANAGER)


def secretary_of(user) -> Member | None:
    member = Member.objects.filter(user=user, active=True, is_secretary=True).first()
    return member if member and scope_for(user).has(Role.COMMITTEE) else None


def member_of(user) -> Member | None:
    """The user's active seat on the committee (they also hold the committee role)."""
    if not user.is_authenticated or not scope_for(user).has(Role.COMMITTEE):
        return None
    return Member.objects.filter(user=user, active=True).select_related("body").first()


def can_decide(user) -> bool:
    """The committee secretary records the committee's decisions."""
    return secretary_of(user) is not None


def can_publish_in_emergency(user) -> bool:
    return scope_for(user).has(Role.ADMINISTRATOR)


@transaction.atomic
def propose_change(
    user,
    *,
    kind: str,
    reason: str,
    effective_date: date,
    data: TypeData | None = None,
    request_type: RequestType | None = None,
    now: datetime | None = None,
) -> ChangeRequest:
    """Record a change request with its draft version and its impact, and put it on the
    agenda of the next meeting."""
    if not can_propose(user):
        raise PermissionDenied(_("Only administrators and directorate managers propose changes."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the change is needed.")})
    now = now or timezone.now()
    moment = effective_moment(effective_date, now=now)
    draft = None
    if kind == ChangeRequest.Kind.WITHDRAWAL:
        if request_type is None:
            raise ValidationError({"request_type": _("Choose the type to withdraw.")})
    elif data is not None:
        draft = publish_version(
            data, user=user, reason=reason, effective_from=moment, status=RequestTypeVersion.Status.DRAFT
        )
        request_type = draft.request_type
    else:
        raise ValidationError(_("Describe the proposed version of the type."))
    current = latest_version(request_type)
    if kind == ChangeRequest.Kind.CHANGE and current is None:
        raise ValidationError(_("This type has no published version to change."))
    change = ChangeRequest.objects.create(
        kind=kind,
        request_type=request_type,
        draft=draft,
        reason=reason,
        effective_date=timezone.localdate(moment),
        proposed_by=user,
        proposed_at=now,
        impact=compute_impact(request_type, draft, current, now),
    )
    _put_on_next_agenda(change, now)
    return change


def _put_on_next_agenda(change: ChangeRequest, now: datetime) -> AgendaItem | None:
    meeting = Meeting.objects.filter(held=False, starts_at__gte=now).order_by("starts_at").first()
    if meeting is None:
        return None
    title = (
        _("Emergency publication to ratify: %(change)s")
        if change.status == ChangeRequest.Status.EMERGENCY
        else _("Change request: %(change)s")
    ) % {"change": change}
    return AgendaItem.objects.create(
        meeting=meeting, order=100 + change.pk, title=title, change_request=change
    )


def add_pending_items(meeting: Meeting) -> int:
    """Put every change request still awaiting the committee, and every emergency publication
    not yet on an agenda, on this meeting's agenda."""
    waiting = ChangeRequest.objects.filter(
        status__in=[ChangeRequest.Status.PROPOSED, ChangeRequest.Status.EMERGENCY], agenda_items__isnull=True
    )
    count = 0
    for change in waiting:
        AgendaItem.objects.create(
            meeting=meeting, order=100 + change.pk, title=str(change), change_request=change
        )
        count += 1
    return count


def _locked(change: ChangeRequest) -> ChangeRequest:
    locked = (
        ChangeRequest.objects.select_for_update(of=("self",))
        .select_related("draft", "request_type")
        .get(pk=change.pk)
    )
    if locked.status != ChangeRequest.Status.PROPOSED:
        raise ValidationError(_("The committee has already decided on this request."))
    return locked


@transaction.atomic
def decide(
    change: ChangeRequest,
    user,
    *,
    approve: bool,
    meeting: Meeting | None = None,
    note: str = "",
    now: datetime | None = None,
) -> ChangeRequest:
    """The committee's decision recorded in a meeting (or, without a meeting, closing a
    written consultation in which every active member answered)."""
    if not can_decide(user):
        raise PermissionDenied(_("Only the committee secretary records decisions."))
    locked = _locked(change)
    now = now or timezone.now()
    if meeting is not None:
        locked.decided_in, locked.meeting = ChangeRequest.DecidedIn.MEETING, meeting
    else:
        members = Member.objects.filter(active=True).count()
        answered = locked.answers.filter(member__active=True).count()
        if not members or answered < members:
            raise ValidationError(
                _("A written consultation needs every member's answer (%(n)s of %(total)s so far).")
                % {"n": answered, "total": members}
            )
        approvals = locked.answers.filter(answer=ConsultationAnswer.Answer.APPROVE).count()
        refusals = locked.answers.filter(answer=ConsultationAnswer.Answer.REFUSE).count()
        if approve != (approvals > refusals):
            raise ValidationError(_("The decision must follow the members' answers."))
        locked.decided_in = ChangeRequest.DecidedIn.WRITTEN
    locked.status = ChangeRequest.Status.APPROVED if approve else ChangeRequest.Status.REFUSED
    locked.decided_by, locked.decided_at, locked.decision_note = user, now, note
    if approve:
        _carry_out(locked, COMMITTEE, now)
    locked.save()
    change.__dict__.update(locked.__dict__)
    return locked


@transaction.atomic
def record_answer(change: ChangeRequest, member: Member, answer: str, user) -> ConsultationAnswer:
    """A member's answer to the written consultation, recorded by the secretary."""
    if not can_decide(user):
        raise PermissionDenied(_("Only the committee secretary records decisions."))
    _locked(change)
    if answer not in ConsultationAnswer.Answer.values:
        raise ValidationError({"answer": _("Choose an answer.")})
    recorded, _created = ConsultationAnswer.objects.update_or_create(
        change_request=change,
        member=member,
        defaults={"answer": answer, "recorded_by": user, "answered_at": timezone.now()},
    )
    return recorded


@transaction.atomic
def publish_in_emergency(
    change: ChangeRequest, user, *, note: str, now: datetime | None = None
) -> ChangeRequest:
    """An administrator publishes now, without waiting for the committee: logged, and put on
    the next meeting's agenda for the committee to ratify."""
    if not can_publish_in_emergency(user):
        raise PermissionDenied(_("Only administrators may publish in an emergency."))
    if not note.strip():
        raise ValidationError({"note": _("Say why this cannot wait for the committee.")})
    locked = _locked(change)
    now = now or timezone.now()
    _carry_out(locked, EMERGENCY, now, immediately=True)
    locked.status, locked.decided_in = ChangeRequest.Status.EMERGENCY, ChangeRequest.DecidedIn.EMERGENCY
    locked.decided_by, locked.decided_at, locked.decision_note = user, now, note
    locked.save()
    if not locked.agenda_items.filter(meeting__held=False).exists():
        _put_on_next_agenda(locked, now)
    change.__dict__.update(locked.__dict__)
    return locked


def _carry_out(change: ChangeRequest, authority: str, now: datetime, *, immediately: bool = False) -> None:
    if change.draft is not None:
        if immediately:
            change.draft.effective_from = now
            change.draft.save(update_fields=["effective_from"])
        publish_draft(change.draft, authority=authority, at=now)
    elif immediately or change.effective_date <= timezone.localdate(now):
        _withdraw(change)


def _withdraw(change: ChangeRequest) -> None:
    RequestType.objects.filter(pk=change.request_type_id).update(active=False)
    change.applied = True


@transaction.atomic
def apply_due_withdrawals(now: datetime | None = None) -> int:
    """Approved withdrawals whose date has come (run daily: ``manage.py committee_apply``)."""
    today = timezone.localdate(now or timezone.now())
    due = ChangeRequest.objects.select_for_update().filter(
        kind=ChangeRequest.Kind.WITHDRAWAL,
        status=ChangeRequest.Status.APPROVED,
        applied=False,
        effective_date__lte=today,
    )
    count = 0
    for change in due:
        _withdraw(change)
        change.save(update_fields=["applied"])
        count += 1
    return count


MEETING_LENGTH = timedelta(hours=2)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def schedule_quarterly(start: date, until: date, *, hour: int = 10) -> list[Meeting]:
    """The quarterly meetings every three months from ``start`` up to ``until`` (the
    ``committee_schedule`` command)."""
    return create_quarterly(quarterly_dates(start, until), hour=hour)


def proposed_schedule(agreement, year: int) -> list[date]:
    """The quarterly meetings of a convention year (A7.2): the day after each three-month
    period of the year (``agreements.dates.quarters``), when its figures are complete."""
    from agreements import dates

    return [quarter.end + timedelta(days=1) for quarter in dates.quarters(agreement.notified_on, year)]


@transaction.atomic
def create_quarterly(days: list[date], *, hour: int = 10) -> list[Meeting]:
    """Quarterly meetings on these days; days already holding a quarterly meeting are left
    alone (idempotent)."""
    zone = timezone.get_current_timezone()
    created = []
    for day in days:
        moment = datetime.combine(day, time(hour), zone)
        exists = Meeting.objects.filter(kind=Meeting.Kind.QUARTERLY, starts_at__date=day).exists()
        if not exists:
            created.append(Meeting.objects.create(kind=Meeting.Kind.QUARTERLY, starts_at=moment))
    for meeting in created:
        add_pending_items(meeting)
    return created


def _agenda_text(meeting: Meeting) -> str:
    return "\n".join(f"{n}. {item.title}" for n, item in enumerate(meeting.agenda.all(), start=1))


def meeting_ics(meeting: Meeting, now: datetime | None = None) -> str:
    return ics_event(
        uid=f"meeting-{meeting.pk}@allo-mairie",
        start=meeting.starts_at,
        duration=MEETING_LENGTH,
        summary=_("Monitoring committee: %(meeting)s") % {"meeting": meeting},
        location=meeting.place,
        description=_agenda_text(meeting),
        organizer=parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
        attendees=[m.email for m in Member.objects.filter(active=True)],
        now=now or timezone.now(),
        sequence=meeting.invitations_sent,
    )


@transaction.atomic
def send_invitations(meeting: Meeting, user) -> int:
    """E-mail every active member the agenda with the calendar file (sent again after a change:
    calendars update the same event)."""
    if not can_decide(user):
        raise PermissionDenied(_("Only the committee secretary records decisions."))
    recipients = [m.email for m in Member.objects.filter(active=True)]
    if not recipients:
        raise ValidationError(_("The committee has no active member to invite."))
    agenda = _agenda_text(meeting)
    body = _(
        "You are invited to the meeting of the monitoring committee on %(date)s%(place)s.\n\n"
        "Agenda:\n%(agenda)s\n"
    ) % {
        "date": french_datetime(meeting.starts_at),
        "place": f", {meeting.place}" if meeting.place else "",
        "agenda": agenda or "–",
    }
    message = EmailMessage(
        subject=_("Monitoring committee: %(meeting)s") % {"meeting": meeting}, body=body, bcc=recipients
    )
    message.attach("reunion-comite.ics", meeting_ics(meeting), "text/calendar; method=REQUEST; charset=utf-8")
    pack = meeting.packs.filter(status=QuarterlyPack.Status.DONE).first()
    pack = (
        pack or QuarterlyPack.objects.filter(status=QuarterlyPack.Status.DONE, meeting__isnull=True).first()
    )
    if pack is not None:
        QuarterlyPack.objects.filter(pk=pack.pk).update(meeting=meeting)
        for field, extension, mimetype in ((pack.pdf, "pdf", "application/pdf"), (pack.xlsx, "xlsx", XLSX)):
            with field.open("rb") as content:
                name = f"dossier-comite-{pack.year}-T{pack.quarter}.{extension}"
                message.attach(name, content.read(), mimetype)
    message.send()
    Meeting.objects.filter(pk=meeting.pk).update(
        invited_at=timezone.now(), invitations_sent=meeting.invitations_sent + 1
    )
    meeting.invitations_sent += 1
    return len(recipients)


def _secretary(user) -> Member:
    member = secretary_of(user)
    if member is None:
        raise PermissionDenied(_("Only the committee secretary convenes meetings and records minutes."))
    return member


@transaction.atomic
def request_meeting(user, reason: str, now: datetime | None = None) -> MeetingRequest:
    """Any member asks for an extraordinary meeting (A7.2); the secretaries are told by e-mail."""
    member = member_of(user)
    if member is None:
        raise PermissionDenied(_("Only members of the committee ask for an extraordinary meeting."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the committee should meet.")})
    asked = MeetingRequest.objects.create(member=member, reason=reason, requested_at=now or timezone.now())
    secretaries = list(Member.objects.filter(active=True, is_secretary=True).values_list("email", flat=True))
    if secretaries:
        body = _(
            "%(member)s (%(body)s) asks for an extraordinary meeting of the monitoring committee.\n\n"
            "Reason:\n%(reason)s\n"
        ) % {"member": member.name, "body": member.body, "reason": reason}
        subject = _("Request for an extraordinary meeting of the committee")
        EmailMessage(subject=subject, body=body, to=secretaries).send()
    return asked


@transaction.atomic
def convene_request(asked: MeetingRequest, user, *, starts_at: datetime, place: str = "") -> Meeting:
    """The secretary turns a member's request into an extraordinary meeting."""
    _secretary(user)
    locked = MeetingRequest.objects.select_for_update().get(pk=asked.pk)
    if locked.meeting_id:
        raise ValidationError(_("This request has already been convened."))
    meeting = Meeting.objects.create(
        kind=Meeting.Kind.EXTRAORDINARY, starts_at=starts_at, place=place, requested_by=locked.member
    )
    AgendaItem.objects.create(
        meeting=meeting, order=1, title=_("Request of %(member)s: %(reason)s")
        % {"member": locked.member.name, "reason": locked.reason[:250]},
    )  # fmt: skip
    add_pending_items(meeting)
    locked.meeting = meeting
    locked.save(update_fields=["meeting"])
    return meeting


@transaction.atomic
def convene(
    meeting: Meeting,
    user,
    *,
    starts_at: datetime,
    place: str,
    items: list[str],
    pack: QuarterlyPack | None,
) -> Meeting:
    """Set the date, the place, the free agenda items (the change requests awaiting the
    committee are added by themselves) and the pack sent with the invitations."""
    _secretary(user)
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.held:
        raise ValidationError(_("The meeting has been held: its minutes are recorded."))
    locked.starts_at, locked.place = starts_at, place
    locked.save(update_fields=["starts_at", "place"])
    locked.agenda.filter(change_request__isnull=True).delete()
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=locked, order=n, title=title) for n, title in enumerate(items, start=1)
    )
    add_pending_items(locked)
    QuarterlyPack.objects.filter(meeting=locked).exclude(pk=getattr(pack, "pk", None)).update(meeting=None)
    if pack is not None:
        QuarterlyPack.objects.filter(pk=pack.pk).update(meeting=locked)
    meeting.__dict__.update(locked.__dict__)
    return locked


def agenda_changes(meeting: Meeting) -> list[ChangeRequest]:
    """The change requests on the meeting's agenda that still await the committee."""
    return list(
        ChangeRequest.objects.filter(agenda_items__meeting=meeting, status=ChangeRequest.Status.PROPOSED)
        .select_related("request_type")
        .distinct()
        .order_by("pk")
    )


@transaction.atomic
def record_minutes(
    meeting: Meeting,
    user,
    *,
    attendance: dict[Member, tuple[str, str]],
    minutes: str,
    campaigns: str,
    decisions: dict[ChangeRequest, bool],
    now: datetime | None = None,
) -> Meeting:
    """The minutes of a meeting that took place: each member's attendance (present, excused,
    represented and by whom, absent), the text, the awareness campaigns proposed (A7.6) and
    the decisions on the change requests of its agenda (approval publishes the draft at its
    effective date, as ``decide`` does)."""
    _secretary(user)
    now = now or timezone.now()
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.starts_at > now:
        raise ValidationError(_("The meeting has not taken place yet."))
    errors = {}
    for member, (status, proxy) in attendance.items():
        if status not in Attendance.Status.values:
            errors[f"attendance_{member.pk}"] = _("Choose an attendance.")
        elif status == Attendance.Status.REPRESENTED and not proxy.strip():
            errors[f"proxy_{member.pk}"] = _("Say who represented this member.")
    if errors:
        raise ValidationError(errors)
    present = [m for m, (status, _p) in attendance.items() if status == Attendance.Status.PRESENT]
    if decisions and not present:
        raise ValidationError(_("A decision needs at least one member present."))
    locked.attendance.all().delete()
    Attendance.objects.bulk_create(
        Attendance(
            meeting=locked,
            member=member,
            status=status,
            represented_by=proxy.strip() if status == Attendance.Status.REPRESENTED else "",
        )
        for member, (status, proxy) in attendance.items()
    )
    locked.minutes, locked.campaigns, locked.held = minutes, campaigns, True
    locked.minutes_recorded_by, locked.minutes_recorded_at = user, now
    locked.save()
    on_agenda = {change.pk for change in agenda_changes(locked)}
    for change, approve in decisions.items():
        if change.pk not in on_agenda:
            raise ValidationError(_("Only the change requests on this meeting's agenda are decided in it."))
        note = _("Recorded in the minutes of the %(meeting)s.") % {"meeting": locked}
        decide(change, user, approve=approve, meeting=locked, note=note, now=now)
    meeting.__dict__.update(locked.__dict__)
    return locked


def request_pack(user, year: int, quarter: int) -> QuarterlyPack:
    """Record a pack to generate and hand it to the background worker."""
    from committee.tasks import generate_pack

    if not scope_for(user).has(Role.COMMITTEE, Role.ADMINISTRATOR, Role.SUPERVISOR):
        raise PermissionDenied(_("Only committee members, supervisors and administrators generate packs."))
    pack = QuarterlyPack.objects.create(
        year=year, quarter=quarter, requested_by=user, heartbeat=timezone.now()
    )
    transaction.on_commit(lambda: generate_pack.enqueue(pack.pk))
    return pack


def build_pack(pack_id: int) -> QuarterlyPack:
    """Gather the quarter's figures, then write the PDF and the XLSX (called by the task)."""
    pack = QuarterlyPack.objects.get(pk=pack_id)

    def progress(percent: int, step: str) -> None:
        QuarterlyPack.objects.filter(pk=pack_id).update(
            progress=percent, step=step, status=QuarterlyPack.Status.RUNNING, heartbeat=timezone.now()
        )

    started = perf_counter()
    try:
        period = pack_module.quarter_period(pack.year, pack.quarter)
        figures = pack_module.collect(period, progress)
        progress(50, "xlsx")
        name = f"dossier-comite-{pack.year}-T{pack.quarter}-{pack.pk}"
        pack.xlsx.save(f"{name}.xlsx", ContentFile(pack_module.pack_xlsx(figures)), save=False)
        progress(60, "pdf")
        pdf_started = perf_counter()
        title = _("Quarterly pack, quarter %(q)s %(y)s") % {"q": pack.quarter, "y": pack.year}
        pdf = html_to_pdf(pack_module.pack_html(figures, title), archive=False)
        pack.pdf_seconds = perf_counter() - pdf_started
        pack.pdf.save(f"{name}.pdf", ContentFile(pdf), save=False)
        pack.figures, pack.status, pack.progress, pack.step = figures, QuarterlyPack.Status.DONE, 100, ""
    except Exception as exc:  # the page shows the failure; the log keeps the trace
        logger.exception("quarterly pack %s failed", pack_id)
        pack.status, pack.error = QuarterlyPack.Status.FAILED, str(exc)[:2000]
    pack.finished_at = timezone.now()
    pack.total_seconds = perf_counter() - started
    pack.save()
    return pack


def _editable(report: ActivityReport, user) -> ActivityReport:
    if not can_decide(user):
        raise PermissionDenied(_("Only the committee secretary prepares the annual report."))
    locked = ActivityReport.objects.select_for_update().get(pk=report.pk)
    if locked.signed:
        raise ValidationError(_("The report is signed off: it can no longer change."))
    return locked


@transaction.atomic
def create_report(user, agreement, year: int) -> ActivityReport:
    """The report of a convention year: its dates are the convention's (``agreements.dates``),
    cut at the effective end after a notice, as the allocation key's period."""
    from finance.selectors import key_period

    if not can_decide(user):
        raise PermissionDenied(_("Only the committee secretary prepares the annual report."))
    if not 1 <= year <= agreement.years_agreed:
        raise ValidationError({"year": _("Choose one of the convention's years.")})
    if ActivityReport.objects.filter(agreement=agreement, year=year).exists():
        raise ValidationError({"year": _("A report for this year already exists.")})
    period = key_period(agreement, year)
    return ActivityReport.objects.create(agreement=agreement, year=year, start=period.start, end=period.end)


@transaction.atomic
def save_texts(report: ActivityReport, user, *, introduction: str, conclusion: str) -> ActivityReport:
    locked = _editable(report, user)
    locked.introduction, locked.conclusion = introduction, conclusion
    locked.save(update_fields=["introduction", "conclusion"])
    return locked


@transaction.atomic
def generate_report(report: ActivityReport, user) -> ActivityReport:
    """Hand the report to the background worker: it gathers the year's figures and writes the
    PDF and its XLSX annex (until signed off); the page shows its progress."""
    from committee.tasks import generate_report as task

    locked = _editable(report, user)
    busy = (ActivityReport.Status.PENDING, ActivityReport.Status.RUNNING)
    if locked.status in busy and not locked.stalled:
        raise ValidationError(_("The report is already being generated."))
    locked.status, locked.progress, locked.step, locked.error = ActivityReport.Status.PENDING, 0, "", ""
    locked.heartbeat = timezone.now()
    locked.save(update_fields=["status", "progress", "step", "error", "heartbeat"])
    transaction.on_commit(lambda: task.enqueue(locked.pk))
    return locked


def build_report(report_id: int) -> ActivityReport:
    """Gather the year's figures, then write the XLSX annex and the PDF (called by the task)."""

    def progress(percent: int, step: str) -> None:
        ActivityReport.objects.filter(pk=report_id).update(
            progress=percent, step=step, status=ActivityReport.Status.RUNNING, heartbeat=timezone.now()
        )

    report = ActivityReport.objects.select_related("agreement").get(pk=report_id)
    if report.signed:
        return report
    try:
        progress(5, "figures")
        report.figures = annual.collect(report)
        progress(50, "xlsx")
        name = f"rapport-activite-{report.year}"
        report.xlsx.save(f"{name}.xlsx", ContentFile(annual.report_xlsx(report)), save=False)
        progress(60, "pdf")
        report.pdf.save(
            f"{name}.pdf", ContentFile(html_to_pdf(annual.report_html(report), archive=False)), save=False
        )
        report.generated_at, report.status, report.progress, report.step = (
            timezone.now(), ActivityReport.Status.DONE, 100, ""
        )  # fmt: skip
    except Exception as exc:  # the page shows the failure; the log keeps the trace
        logger.exception("annual report %s failed", report_id)
        report.status, report.error = ActivityReport.Status.FAILED, str(exc)[:2000]
    fields = ["figures", "generated_at", "status", "progress", "step", "error", "pdf", "xlsx"]
    ActivityReport.objects.filter(pk=report_id, signed_at__isnull=True).update(
        **{name: getattr(report, name) for name in fields}
    )
    return report


@transaction.atomic
def sign_off(report: ActivityReport, user) -> ActivityReport:
    """Freeze the report: its figures, texts and files never change again."""
    locked = _editable(report, user)
    if not locked.generated_at or locked.status != ActivityReport.Status.DONE:
        raise ValidationError(_("Generate the report before signing it off."))
    locked.signed_by, locked.signed_at = user, timezone.now()
    pdf = html_to_pdf(annual.report_html(locked), archive=False)  # the same figures, with the sign-off
    locked.pdf.save(f"rapport-activite-{locked.year}-signe.pdf", ContentFile(pdf), save=False)
    locked.save()
    return locked
