"""A year of realistic demonstration fiches, written in bulk (fast enough for `make run`).

Seasons (more cleaning and green-space requests in summer, more lighting in winter),
weekdays (quiet Sundays), arrondissements weighted by population, and a mix of statuses
that depends on the fiche's age, some resolved late and some open past their due date.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from catalogue.models import Kind, RequestTypeVersion, normalise
from fiches.geography import place_for_postal_code
from fiches.models import Channel, Event, Fiche, ReferenceCounter, Requester, Status, digits_of
from fiches.selectors import address_key
from fiches.services import catch_up_counter, format_reference
from worktime import DeadlineUnit, WorkCalendar, add_deadline, working_seconds

LAST_NAMES = """Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent
Lefebvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard Andre Mercier Dupont Lambert
Bonnet Francois Martinez Legrand Garnier Faure Rousseau Blanc Guerin Muller Henry Roussel Nicolas Perrin
Morin Mathieu Clement Gauthier Dumont Lopez Fontaine Chevalier Robin Masson Sanchez Gerard Nguyen Boyer
Denis Lemaire Duval Joly Gautier Roger Roche Roy Noel Meyer Lucas Meunier Jean Perez Marchand Dufour
Blanchard Marie Barbier Brun Dumas Brunet Schmitt Leroux Colin Fernandez Pierre Renard Arnaud Rolland
Caron Aubert Giraud Leclerc Vidal Bourgeois Renaud Lemoine Picard Gaillard Philippe Leclercq Lacroix
Fabre Dupuis Olivier Rodriguez Da-Silva Hubert Louis Charles Guillot Rivière Le-Gall Benali Haddad
Mansouri Cohen Bensaid Orsini Santoni Castellan Ferrara Rossi Esposito Bianchi""".split()
WOMEN = """Marie Nathalie Isabelle Sylvie Catherine Françoise Christine Sandrine Valérie Sophie Céline
Julie Karima Fatima Yasmine Inès Léa Chloé Emma Manon Camille Sarah Laura Pauline Anaïs""".split()
MEN = """Jean Pierre Michel Philippe Alain Patrick Nicolas Christophe Frédéric Laurent Stéphane Éric
Mohamed Karim Sofiane Mehdi Lucas Hugo Louis Jules Paul Thomas Antoine Julien Romain""".split()

# (street, postal code, latitude, longitude) in Marseille.
STREETS = [
    ("La Canebière", "13001", 43.2976, 5.3795), ("rue Paradis", "13001", 43.2930, 5.3780),
    ("cours Julien", "13006", 43.2940, 5.3835), ("rue de la République", "13002", 43.3010, 5.3690),
    ("boulevard National", "13003", 43.3120, 5.3830), ("rue Belle de Mai", "13003", 43.3125, 5.3905),
    ("boulevard de la Blancarde", "13004", 43.2990, 5.4040), ("avenue du Prado", "13008", 43.2700, 5.3900),
    ("rue d'Italie", "13006", 43.2880, 5.3820), ("boulevard Baille", "13005", 43.2895, 5.3920),
    ("rue Saint-Pierre", "13005", 43.2920, 5.3980), ("corniche Kennedy", "13007", 43.2830, 5.3530),
    ("rue d'Endoume", "13007", 43.2860, 5.3600), ("boulevard Michelet", "13009", 43.2560, 5.4030),
    ("avenue de Mazargues", "13009", 43.2520, 5.4070), ("boulevard Romain Rolland", "13010", 43.2710, 5.4210),
    ("avenue de Saint-Menet", "13011", 43.2920, 5.4910), ("boulevard Mireille Lauze", "13010", 43.2810, 5.4080),
    ("avenue des Caillols", "13012", 43.3000, 5.4470), ("avenue de Château-Gombert", "13013", 43.3490, 5.4350),
    ("boulevard du Merlan", "13014", 43.3360, 5.4080), ("chemin de la Madrague-Ville", "13015", 43.3390, 5.3600),
    ("boulevard Henri Barnier", "13016", 43.3620, 5.3340), ("avenue de la Viste", "13015", 43.3530, 5.3560),
    ("rue de Rome", "13006", 43.2905, 5.3810), ("boulevard Longchamp", "13001", 43.3020, 5.3890),
    ("avenue des Chartreux", "13004", 43.3085, 5.4000), ("rue Consolat", "13001", 43.3030, 5.3840),
    ("boulevard de Plombières", "13014", 43.3190, 5.3890), ("avenue de Montolivet", "13012", 43.3140, 5.4200),
    ("route des Trois-Lucs", "13012", 43.3100, 5.4620), ("boulevard de Sainte-Marguerite", "13009", 43.2560, 5.4080),
    ("boulevard Rabatau", "13008", 43.2765, 5.3960), ("rue Breteuil", "13006", 43.2870, 5.3765),
    ("avenue Roger Salengro", "13003", 43.3150, 5.3720), ("chemin du Littoral", "13016", 43.3580, 5.3300),
]  # fmt: skip
SEASON = {  # monthly factor per family code prefix
    "proprete": [0.9, 0.85, 0.95, 1.0, 1.1, 1.25, 1.35, 1.3, 1.1, 1.0, 0.95, 0.9],
    "eclairage": [1.4, 1.3, 1.1, 0.9, 0.7, 0.6, 0.6, 0.65, 0.8, 1.1, 1.35, 1.5],
    "espaces-verts": [0.7, 0.75, 1.0, 1.3, 1.4, 1.3, 1.2, 1.0, 1.0, 0.9, 0.8, 0.7],
}
WAIT_OR_SEND_BACK = {
    Status.WAITING: "En attente du concessionnaire du réseau.",
    Status.REROUTED: "Ne relève pas de notre direction : merci de réorienter.",
}
WEEKDAY_FACTOR = [1.25, 1.15, 1.1, 1.1, 1.05, 0.6, 0.3]


def _season(version: RequestTypeVersion, month: int) -> float:
    family = version.request_type.family.code
    for key, factors in SEASON.items():
        if key in family:
            return factors[month - 1]
    return 1.0


def _calendars(versions: list[RequestTypeVersion]) -> dict[int, WorkCalendar]:
    return {v.body_id: v.body.calendar() for v in versions}


@transaction.atomic
def generate_fiches(
    count: int = 6000,
    *,
    days: int = 365,
    seed: int = 2026,
    agents=(),
    now=None,
    with_events: bool = True,
    growth: float = 0.0,
) -> int:
    """Create about ``count`` fiches over the ``days`` days before ``now``. Returns the number
    created. ``growth``: the yearly growth of the volume (0.05: each year before ``now``
    has 5 % fewer requests than the next), for several years of history."""
    rng = random.Random(seed)
    now = now or timezone.now()
    versions = list(
        RequestTypeVersion.objects.in_force().select_related(
            "request_type__family", "body", "directorate", "cell"
        )
    )
    if not versions:
        return 0
    calendars = _calendars(versions)
    weights = [0.3 if v.kind == Kind.INFORMATION else 1.0 for v in versions]
    requesters = _requesters(rng, max(count // 2, 1))
    start = now - timedelta(days=days)
    fiches: list[Fiche] = []
    for _ in range(count * 8):
        if len(fiches) >= count:
            break
        moment = start + timedelta(seconds=rng.random() * days * 86400)
        local = timezone.localtime(moment)
        hour_ok = 7 <= local.hour < 20 or rng.random() < 0.08
        version = rng.choices(versions, weights)[0]
        keep = WEEKDAY_FACTOR[local.weekday()] * _season(version, local.month) / 1.5
        keep /= (1 + growth) ** ((now - moment).days / 365)
        if not hour_ok or rng.random() > keep:
            continue
        fiches.append(_fiche(rng, version, moment, now, calendars, requesters, agents))
    fiches.sort(key=lambda f: f.created_at)
    counters = _number(fiches)
    Fiche.objects.bulk_create(fiches, batch_size=1000)
    if with_events:
        _events(fiches, agents)
    for year, last in counters.items():
        ReferenceCounter.objects.update_or_create(year=year, defaults={"last": last})
    return len(fiches)


def _requesters(rng: random.Random, count: int) -> list[Requester]:
    people = []
    for _ in range(count):
        woman = rng.random() < 0.55
        last, first = rng.choice(LAST_NAMES).replace("-", " "), rng.choice(WOMEN if woman else MEN)
        street, postal_code, *_coords = rng.choice(STREETS)
        phone = f"0{rng.choice('67')} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
        person = Requester(
            civility="Mme" if woman else "M.",
            last_name=last,
            first_name=first,
            phone=phone,
            email=f"{normalise(first)}.{normalise(last).replace(' ', '')}@example.org"  # ASCII: Céline → celine
            if rng.random() < 0.6
            else "",
            address=f"{rng.randint(1, 150)} {street}",
            postal_code=postal_code,
            city="Marseille",
            preferred_channel=rng.choice(["email", "email", "sms", "letter", "phone"]),
        )
        person.phone_digits = digits_of(phone)
        person.search_name = normalise(f"{last} {first}")
        people.append(person)
    return Requester.objects.bulk_create(people, batch_size=1000)


def _fiche(rng, version, moment, now, calendars, requesters, agents) -> Fiche:
    street, postal_code, lat, lon = rng.choice(STREETS)
    number = str(rng.randint(1, 180))
    place = place_for_postal_code(postal_code)
    due = add_deadline(
        moment, version.deadline_amount, DeadlineUnit(version.deadline_unit), calendars[version.body_id]
    )
    age = (now - moment).days
    status, resolved_at, was_late, acknowledged_at = _lifecycle(rng, version, moment, due, now, age)
    calendar = calendars[version.body_id]
    anonymous = version.anonymous_allowed and rng.random() < 0.25
    fiche = Fiche(
        channel=rng.choices(
            [Channel.PHONE, Channel.WEB, Channel.APP, Channel.EMAIL, Channel.LETTER, Channel.COUNTER],
            [62, 16, 14, 5, 2, 1],
        )[0]
        if not version.phone_only
        else Channel.PHONE,
        kind=version.kind,
        request_type=version,
        description="",
        street_number=number,
        street_name=street,
        postal_code=postal_code,
        arrondissement=place.arrondissement,
        sector=place.sector,
        latitude=lat + rng.uniform(-0.004, 0.004),
        longitude=lon + rng.uniform(-0.004, 0.004),
        address_key=address_key(number, street, postal_code),
        requester=None if anonymous else rng.choice(requesters),
        entered_by=rng.choice(agents) if agents else None,
        call_id="",
        priority=version.priority,
        body=version.body,
        directorate=version.directorate,
        cell=version.cell,
        original_body=version.body,
        status=status,
        created_at=moment,
        updated_at=resolved_at or acknowledged_at or moment,
        due_at=due,
        cycle_started_at=moment,
        acknowledged_at=acknowledged_at,
        resolved_at=resolved_at,
        closed_at=resolved_at if status == Status.CLOSED else None,
        was_late=was_late,
        ack_work_seconds=working_seconds(moment, acknowledged_at, calendar) if acknowledged_at else None,
        resolution_work_seconds=working_seconds(moment, resolved_at, calendar)
        if was_late is not None
        else None,
        outcome="Intervention réalisée." if resolved_at else "",
    )
    return fiche


def _lifecycle(rng, version, moment: datetime, due: datetime, now: datetime, age: int):
    """Status, resolution time, lateness and acknowledgement for a fiche of this age."""
    span = max((due - moment).total_seconds(), 3600)
    if version.kind == Kind.INFORMATION:
        return Status.CLOSED, moment + timedelta(minutes=3), False, None
    acknowledged = moment + timedelta(seconds=span * rng.uniform(0.02, 0.2))
    resolution = moment + timedelta(seconds=span * rng.lognormvariate(-0.3, 0.55))
    if resolution < now and rng.random() < min(0.995, 0.3 + age / 25):
        status = Status.CLOSED if rng.random() < 0.8 else Status.RESOLVED
        if rng.random() < 0.03:
            return Status.REJECTED, resolution, None, acknowledged
        return status, resolution, resolution > due, acknowledged
    if acknowledged > now:
        return Status.TRANSMITTED, None, None, None
    status = rng.choices(
        [Status.TRANSMITTED, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.WAITING, Status.REROUTED],
        [15, 35, 35, 10, 5],
    )[0]
    return status, None, None, None if status == Status.TRANSMITTED else acknowledged


def _number(fiches: list[Fiche]) -> dict[int, int]:
    """Number the new fiches after the highest reference already used in their year (the
    counter, or the table when the counter is behind); returns each year's last number."""
    last: dict[int, int] = {}
    for fiche in fiches:
        year = timezone.localtime(fiche.created_at).year
        if year not in last:
            last[year] = catch_up_counter(year)
        last[year] += 1
        fiche.reference = format_reference(year, last[year])
    return last


def _events(fiches: list[Fiche], agents) -> None:
    events = []
    for fiche in fiches:
        actor = fiche.entered_by
        events.append(Event(fiche=fiche, at=fiche.created_at, actor=actor, kind=Event.Kind.CREATED,
                            to_status=Status.NEW, public=True))  # fmt: skip
        target = Status.CLOSED if fiche.kind == Kind.INFORMATION else Status.TRANSMITTED
        events.append(Event(fiche=fiche, at=fiche.created_at, actor=actor, kind=Event.Kind.TRANSITION,
                            action="answer" if target == Status.CLOSED else "transmit",
                            from_status=Status.NEW, to_status=target, public=True))  # fmt: skip
        if fiche.acknowledged_at:
            events.append(Event(fiche=fiche, at=fiche.acknowledged_at, kind=Event.Kind.TRANSITION,
                                action="acknowledge", from_status=Status.TRANSMITTED,
                                to_status=Status.ACKNOWLEDGED, public=True))  # fmt: skip
        if fiche.resolved_at and fiche.kind != Kind.INFORMATION:
            final = Status.REJECTED if fiche.status == Status.REJECTED else Status.RESOLVED
            events.append(Event(fiche=fiche, at=fiche.resolved_at, kind=Event.Kind.TRANSITION,
                                action="reject" if final == Status.REJECTED else "resolve",
                                from_status=Status.ACKNOWLEDGED, to_status=final,
                                comment=fiche.outcome, public=True,
                                data={"reason": "not_fixable"} if final == Status.REJECTED else {}))  # fmt: skip
            if fiche.status == Status.CLOSED:
                events.append(Event(fiche=fiche, at=fiche.resolved_at, kind=Event.Kind.TRANSITION,
                                    action="close", from_status=Status.RESOLVED, to_status=Status.CLOSED,
                                    public=True))  # fmt: skip
        elif fiche.status not in (Status.TRANSMITTED, Status.ACKNOWLEDGED, Status.CLOSED):
            events.append(Event(fiche=fiche, at=fiche.updated_at, kind=Event.Kind.TRANSITION,
                                action={"in_progress": "start", "waiting": "wait", "rerouted": "send_back"}
                                .get(fiche.status, ""),
                                from_status=Status.ACKNOWLEDGED, to_status=fiche.status,
                                comment=WAIT_OR_SEND_BACK.get(fiche.status, ""),
                                public=fiche.status != Status.REROUTED))  # fmt: skip
    Event.objects.bulk_create(events, batch_size=2000)


def link_calls_to_fiches(calls: list[tuple[datetime, str]], window: timedelta = timedelta(minutes=20)) -> int:
    """Give each phone fiche the id of the answered call it was taken on: the latest call
    that started shortly before the fiche was saved, each call used once."""
    import bisect

    times = [moment for moment, _call_id in calls]
    used: set[int] = set()
    fiches = list(
        Fiche.objects.filter(channel=Channel.PHONE, call_id="", created_at__gte=times[0]) if calls else []
    )
    for fiche in fiches:
        index = bisect.bisect_right(times, fiche.created_at) - 1
        while index >= 0 and index in used:
            index -= 1
        if index >= 0 and fiche.created_at - times[index] <= window:
            used.add(index)
            fiche.call_id = calls[index][1]
    linked = [f for f in fiches if f.call_id]
    Fiche.objects.bulk_update(linked, ["call_id"], batch_size=1000)
    return len(linked)
