"""The one door to the live telephone state: apply the switch's events, read them back.

The listener (``manage.py telephony_listen``) and the generic HTTP entry call :func:`apply`;
the wallboard and the agents' screen pop read through :func:`wallboard` and :func:`current_pop`.
Every write is a short statement on small tables: web requests never wait for the switch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from cti.events import (
    AgentRinging,
    CallConnected,
    CallEnded,
    CallJoined,
    CallLeft,
    Event,
    MemberState,
    is_withheld,
)
from cti.models import ListenerStatus, LiveCall, LiveMember, Station
from fiches.models import Fiche, Requester, digits_of
from fiches.selectors import LIST_RELATED, visible_fiches
from telephony import kpi
from telephony.selectors import sl_formula

PARIS = ZoneInfo("Europe/Paris")
# How long a banner stays after the call ended, when the agent did not close it.
POP_AFTER_END = timedelta(minutes=5)
# Live rows kept for the wallboard's day and a little more (the import is the reference).
KEEP_DAYS = 3


def local_date(moment: datetime) -> date:
    return moment.astimezone(PARIS).date()


def _seconds(start: datetime | None, end: datetime) -> int | None:
    return max(0, int((end - start).total_seconds())) if start else None


@transaction.atomic
def apply(event: Event) -> None:
    """Bring the live state up to date with one event (idempotent for repeated events)."""
    if isinstance(event, CallJoined):
        LiveCall.objects.get_or_create(
            callid=event.callid,
            queue=event.queue,
            defaults={
                "caller": event.caller,
                "called": event.called,
                "joined_at": event.at,
                "local_date": local_date(event.at),
            },
        )
    elif isinstance(event, AgentRinging):
        _set_agent_state(event.agent, event.interface, "ringing", event.at)
    elif isinstance(event, CallConnected):
        _connect(event)
    elif isinstance(event, CallLeft):
        # Asterisk also says "leave" when the caller leaves the queue for an agent, before or
        # after AgentConnect, and around an abandon: "left" is provisional until it is known.
        states = [LiveCall.State.WAITING] + ([LiveCall.State.LEFT] if event.abandoned else [])
        call = LiveCall.objects.filter(callid=event.callid, queue=event.queue, state__in=states).first()
        if call:
            call.state = LiveCall.State.ABANDONED if event.abandoned else LiveCall.State.LEFT
            call.ended_at = event.at
            call.wait = event.wait if event.wait is not None else _seconds(call.joined_at, event.at)
            call.save(update_fields=["state", "ended_at", "wait"])
    elif isinstance(event, CallEnded):
        _end(event)
    elif isinstance(event, MemberState):
        _member(event)


def _connect(event: CallConnected) -> None:
    calls = LiveCall.objects.filter(
        callid=event.callid, state__in=[LiveCall.State.WAITING, LiveCall.State.LEFT]
    )
    if event.queue:
        calls = calls.filter(queue=event.queue)
    call = calls.order_by("-joined_at").first()
    if call is None:  # the listener started during the wait, or a platform without queue events
        call, _ = LiveCall.objects.get_or_create(
            callid=event.callid,
            queue=event.queue or "default",
            defaults={"joined_at": event.at, "local_date": local_date(event.at)},
        )
        if call.state not in {LiveCall.State.WAITING, LiveCall.State.LEFT}:
            return
    call.state = LiveCall.State.CONNECTED
    call.agent, call.interface = event.agent, event.interface
    call.connected_at, call.ended_at = event.at, None
    call.wait = event.wait if event.wait is not None else _seconds(call.joined_at, event.at)
    call.save(update_fields=["state", "agent", "interface", "connected_at", "ended_at", "wait"])
    _set_agent_state(event.agent, event.interface, "on_call", event.at)


def _end(event: CallEnded) -> None:
    for call in LiveCall.objects.filter(
        callid=event.callid, state__in=[LiveCall.State.CONNECTED, LiveCall.State.WAITING]
    ):
        if call.state == LiveCall.State.CONNECTED:
            call.state = LiveCall.State.DONE
            call.talk = event.talk if event.talk is not None else _seconds(call.connected_at, event.at)
            _set_agent_state(call.agent, call.interface, "available", event.at)
        else:  # hung up while waiting: the generic entry's way of saying "abandoned"
            call.state = LiveCall.State.ABANDONED
            call.wait = _seconds(call.joined_at, event.at)
        call.ended_at = event.at
        call.save(update_fields=["state", "talk", "wait", "ended_at"])


def _agent_rows(agent: str, interface: str):
    keys = {value for value in (agent, interface) if value}
    return LiveMember.objects.filter(Q(agent__in=keys) | Q(interface__in=keys))


def _set_agent_state(agent: str, interface: str, state: str, at: datetime) -> None:
    _agent_rows(agent, interface).exclude(state=state).update(state=state, since=at)


def _member(event: MemberState) -> None:
    member = LiveMember.objects.filter(queue=event.queue, agent=event.agent).first()
    if member is None:
        LiveMember.objects.create(
            queue=event.queue, agent=event.agent, interface=event.interface, state=event.state,
            paused=event.paused, pause_reason=event.pause_reason, since=event.at,
        )  # fmt: skip
        return
    if (member.state, member.paused, member.pause_reason) != (event.state, event.paused, event.pause_reason):
        member.since = event.at
    member.state, member.paused, member.pause_reason = event.state, event.paused, event.pause_reason
    member.interface = event.interface or member.interface
    member.save()


def record_listener(name: str, *, connected: bool, detail: str = "", heard: bool = False) -> None:
    values: dict = {"connected": connected, "detail": detail[:200]}
    if heard:
        values["last_event_at"] = timezone.now()
    ListenerStatus.objects.update_or_create(name=name, defaults=values)


def purge(today: date | None = None) -> int:
    """Forget the live rows of past days (the queue_log import keeps the statistics)."""
    today = today or local_date(timezone.now())
    deleted, _ = LiveCall.objects.filter(local_date__lt=today - timedelta(days=KEEP_DAYS)).delete()
    return deleted


# Read side ---------------------------------------------------------------------------------


@dataclass
class Pop:
    call: LiveCall
    withheld: bool
    callers: list[Requester] = field(default_factory=list)
    fiches: list[Fiche] = field(default_factory=list)


def station_identifiers(station: Station) -> list[str]:
    """How the switch may name this station's telephone or agent."""
    names = station.identifiers()
    return names + [f"{tech}/{station.extension}" for tech in ("PJSIP", "SIP", "IAX2")]


def current_pop(user, now: datetime | None = None) -> Pop | None:
    """The call connected to this user's telephone, with the callers known by its number."""
    station = Station.objects.filter(user=user).first()
    if station is None:
        return None
    now = now or timezone.now()
    names = station_identifiers(station)
    call = (
        LiveCall.objects.filter(Q(agent__in=names) | Q(interface__in=names))
        .filter(connected_at__gte=now - timedelta(hours=2), pop_dismissed=False)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=now - POP_AFTER_END))
        .order_by("-connected_at")
        .first()
    )
    if call is None:
        return None
    pop = Pop(call=call, withheld=is_withheld(call.caller))
    digits = "" if pop.withheld else digits_of(call.caller)
    if len(digits) >= 6:
        pop.callers = list(
            Requester.objects.filter(phone_digits=digits).annotate(fiche_count=Count("fiches"))[:5]
        )
        if pop.callers:
            pop.fiches = list(
                visible_fiches(user)
                .filter(Q(requester__in=pop.callers) | Q(followers__in=pop.callers))
                .select_related(*LIST_RELATED)
                .order_by("-created_at")
                .distinct()[:5]
            )
    return pop


def dismiss_pop(user, callid: str) -> int:
    station = Station.objects.filter(user=user).first()
    if station is None:
        return 0
    names = station_identifiers(station)
    return (
        LiveCall.objects.filter(callid=callid)
        .filter(Q(agent__in=names) | Q(interface__in=names))
        .update(pop_dismissed=True)
    )


@dataclass
class QueueBoard:
    queue: str
    label: str
    waiting: int = 0
    longest_wait: int = 0
    counters: kpi.Counters = field(default_factory=kpi.Counters)
    service_level: float | None = None
    agents: dict[str, int] = field(default_factory=dict)
    alert: bool = False


@dataclass
class Board:
    day: date
    queues: list[QueueBoard]
    members: list[LiveMember]
    threshold: int
    alert_after: int
    formula: str
    listener: ListenerStatus | None


AGENT_STATES = ("available", "on_call", "ringing", "paused", "unavailable")


def wallboard(now: datetime | None = None) -> Board:
    """Today's figures per queue since opening, and the agents' states (4 queries)."""
    now = now or timezone.now()
    today = local_date(now)
    threshold = settings.TELEPHONY_SL_THRESHOLD
    short = settings.TELEPHONY_SHORT_ABANDON
    state = LiveCall.State
    ended = Q(state__in=[state.ABANDONED, state.LEFT, state.DONE, state.CONNECTED])
    abandoned = Q(state=state.ABANDONED)
    rows = (
        LiveCall.objects.filter(local_date=today)
        .values("queue")
        .annotate(
            offered=Count("id"),
            answered=Count("id", filter=Q(connected_at__isnull=False)),
            abandoned=Count("id", filter=abandoned),
            short_abandoned=Count("id", filter=abandoned & Q(wait__lt=short)),
            timeouts=Count("id", filter=Q(state=state.LEFT)),
            unknown=Count("id", filter=~ended),
            answered_in_sl=Count("id", filter=Q(connected_at__isnull=False, wait__lte=threshold)),
            abandoned_in_sl=Count("id", filter=abandoned & Q(wait__lte=threshold)),
            waiting=Count("id", filter=Q(state=state.WAITING)),
            first_waiting=Min("joined_at", filter=Q(state=state.WAITING)),
        )
        .order_by("queue")
    )
    from telephony.models import Queue

    labels = dict(Queue.objects.values_list("name", "label"))
    members = list(LiveMember.objects.exclude(state="logged_out").order_by("agent", "queue"))
    alert_after = getattr(settings, "CTI_WAIT_ALERT", 60)
    formula = sl_formula()
    queues: dict[str, QueueBoard] = {}
    for row in rows:
        counters = kpi.Counters.from_row(row)
        longest = _seconds(row["first_waiting"], now) or 0
        queues[row["queue"]] = QueueBoard(
            queue=row["queue"],
            label=labels.get(row["queue"]) or row["queue"],
            waiting=row["waiting"],
            longest_wait=longest,
            counters=counters,
            service_level=kpi.service_level(counters, formula),
            alert=longest > alert_after,
        )
    for member in members:
        board = queues.setdefault(
            member.queue, QueueBoard(member.queue, labels.get(member.queue) or member.queue)
        )
        key = "paused" if member.paused else member.state
        board.agents[key] = board.agents.get(key, 0) + 1
    return Board(
        day=today,
        queues=sorted(queues.values(), key=lambda q: q.label),
        members=members,
        threshold=threshold,
        alert_after=alert_after,
        formula=formula,
        listener=ListenerStatus.objects.order_by("name").first(),
    )
