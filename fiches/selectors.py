"""Reading fiches. ``visible_fiches`` is the single gate: every list, page, export, search
and API starts from it, so a partner's staff can never reach another body's fiches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from catalogue.models import Family, normalise
from core.compiled import CompiledQuery
from fiches import address_index
from fiches.geography import arrondissement_label, place_for_postal_code
from fiches.models import OPEN_STATUSES, Fiche, Requester, Shown, Status
from fiches.workflow import CALL_CENTRE, CELL, SUPERVISOR
from organisations.access import Scope, scope_for
from places.geo import bounding_box, distance_m

# Fiches read in a duplicate search's bounding box before the exact distance is measured.
NEARBY_CANDIDATES = 500
LIST_RELATED = ("request_type__request_type__family", "body", "directorate", "cell")


def scope_filter(scope: Scope) -> Q | None:
    """The condition on fiches a scope allows; None means everything."""
    if scope.everything:
        return None
    condition = Q()
    if scope.cell_ids:
        condition |= Q(cell_id__in=scope.cell_ids)
    if scope.directorate_ids:
        condition |= Q(directorate_id__in=scope.directorate_ids)
    if scope.body_ids:
        condition |= Q(body_id__in=scope.body_ids)
    # nothing: no fiche (an always-false term in every query costs the ORM an exception)
    return condition or Q(pk__in=[])


def visible_fiches(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Fiche]:
    return fiches_in_scope(scope_for(user))


def fiches_in_scope(scope: Scope) -> QuerySet[Fiche]:
    """The fiches a scope reaches (``visible_fiches`` for a user's)."""
    if not scope.sees_fiches:
        return Fiche.objects.none()
    condition = scope_filter(scope)
    return Fiche.objects.all() if condition is None else Fiche.objects.filter(condition)


def actor_groups(user: AbstractBaseUser | AnonymousUser, fiche: Fiche) -> frozenset[str]:
    """The workflow groups (see fiches.workflow) the user acts in for this fiche."""
    scope = scope_for(user)
    groups = set()
    if scope.everything:
        groups.add(CALL_CENTRE)
    if scope.is_supervisor and scope.everything:
        groups.add(SUPERVISOR)
    if (
        fiche.cell_id in scope.cell_ids
        or fiche.directorate_id in scope.directorate_ids
        or fiche.body_id in scope.body_ids
    ):
        groups.add(CELL)
    return frozenset(groups)


def can_see_personal_data(user: AbstractBaseUser | AnonymousUser, fiche: Fiche) -> bool:
    """The call centre and the cell acting on the fiche need the requester's contact details."""
    return bool(actor_groups(user, fiche))


def home_counters(user: AbstractBaseUser | AnonymousUser) -> dict[str, int]:
    """Every counter counts open fiches (read those only, not every year kept), in two index
    ranges: the open fiches counted by status, then the overdue ones by (status, due date).
    One aggregate testing each condition on each open fiche took twice as long on SQLite."""
    open_fiches = visible_fiches(user).filter(status__in=OPEN_STATUSES).order_by()
    by_status = dict(open_fiches.values_list("status").annotate(count=Count("*")))
    return {
        "open": sum(by_status.values()),
        "overdue": open_fiches.filter(due_at__lt=timezone.now()).count() if by_status else 0,
        "to_acknowledge": by_status.get(Status.TRANSMITTED, 0) + by_status.get(Status.REOPENED, 0),
        "to_reroute": by_status.get(Status.REROUTED, 0),
    }


@dataclass(frozen=True, slots=True)
class ListRow(Shown):
    """A fiche as the list shows it, read as plain values (``keyset_page(…, rows=True)``): a
    fiche and its three related rows built as model instances cost more than their SQL."""

    pk: int
    reference: str
    created_at: datetime
    status: str
    due_at: datetime | None
    was_late: bool | None
    street_number: str
    street_name: str
    postal_code: str
    type_label: str
    body_name: str
    directorate_name: str

    def get_status_display(self) -> str:
        return Status(self.status).label


# ListRow's fields as the fiches' columns, in its order.
LIST_ROW_COLUMNS = (
    "pk", "reference", "created_at", "status", "due_at", "was_late", "street_number", "street_name",
    "postal_code", "request_type__label", "body__short_name", "directorate__name",
)  # fmt: skip


@dataclass
class Page:
    """One page of a keyset-paginated list: constant queries whatever the table size."""

    items: list[Fiche] | list[ListRow]
    next_cursor: str | None
    has_previous: bool


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def encode_cursor(fiche: Fiche | ListRow, field: str = "created_at") -> str:
    """Exact position of a fiche in an order by one of its datetimes (its creation's for the
    list): microseconds since 1970, then id."""
    return f"{(getattr(fiche, field) - EPOCH) // MICROSECOND}_{fiche.pk}"


def decode_cursor(cursor: str) -> tuple[datetime, int] | None:
    try:
        stamp, pk = cursor.split("_")
        return EPOCH + int(stamp) * MICROSECOND, int(pk)
    except (ValueError, OverflowError):
        return None


SORTS = ("newest", "oldest", "due", "status")
COUNT_CAP = 10_000


def capped_count(queryset: QuerySet, cap: int | None = None, known: int | None = None) -> tuple[int, bool]:
    """How many rows match, counted up to ``cap``: (count, whether there are more). Counting
    a million fiches to print "1 000 000 fiches" would cost more than the page itself and
    grow with the years kept; past the cap the page says "more than 10 000". ``known``: the
    number already told (the address counts), shown the same way without counting."""
    cap = cap or COUNT_CAP
    if known is not None:
        count = known
    elif queryset.query.is_empty():  # a word found nowhere: nothing to build nor count
        return 0, False
    else:
        count = queryset.order_by()[: cap + 1].count()
    return min(count, cap), count > cap


def keyset_page(
    queryset: QuerySet[Fiche],
    cursor: str | None,
    size: int = 50,
    sort: str = "newest",
    rows: bool = False,
) -> Page:
    """One page in the ``sort`` order (newest first, oldest first, soonest due first with
    undated fiches last, or by status then newest); ``cursor`` is the last fiche of the
    previous page, so each page is one indexed range read whatever the page number.

    ``rows``: the fiches as ``ListRow``s, the few values the fiche list shows read as plain
    values; else fiches with every field and LIST_RELATED."""
    queryset = queryset.values_list(*LIST_ROW_COLUMNS) if rows else queryset.select_related(*LIST_RELATED)
    make = ListRow if rows else None
    if sort == "due":
        return _due_page(queryset, cursor, size, make)
    if sort == "status":
        return _status_page(queryset, cursor, size, make)
    return time_page(queryset, cursor, "created_at", newest=sort != "oldest", size=size, make=make)


def time_page(
    queryset: QuerySet[Fiche], cursor: str | None, field: str, *, newest: bool, size: int = 50, make=None
) -> Page:
    """One page in the order of ``field`` (a datetime of the fiche that is never empty), the
    newest or the oldest first, then by id; ``cursor`` is the last fiche of the previous
    page, so that each page is one range read whatever the page number."""
    queryset = queryset.order_by(f"-{field}", "-id") if newest else queryset.order_by(field, "id")
    position = decode_cursor(cursor) if cursor else None
    if position:
        moment, pk = position
        past = "lt" if newest else "gt"  # the fiches after the cursor's in that order
        further = Q(**{f"{field}__{past}": moment}) | Q(**{field: moment, f"id__{past}": pk})
        queryset = queryset.filter(further)
    return _page(queryset, size, bool(position), partial(encode_cursor, field=field), make)


def _page(queryset: QuerySet[Fiche], size: int, has_previous: bool, encode, make=None) -> Page:
    """The page's rows, read only if the queryset can match any: Django would build and
    compile the query (its joins and order) before finding it empty (about 1 ms, a search
    for a word found nowhere on SQLite: fiches.selectors.address_search)."""
    items = [] if queryset.query.is_empty() else list(queryset[: size + 1])
    if make is not None:  # each row made from the queryset's values (keyset_page's rows)
        items = [make(*values) for values in items]
    has_more = len(items) > size
    items = items[:size]
    return Page(items, encode(items[-1]) if has_more and items else None, has_previous)


def _due_cursor(fiche: Fiche) -> str:
    due = "n" if fiche.due_at is None else str((fiche.due_at - EPOCH) // MICROSECOND)
    return f"{due}_{fiche.pk}"


def _due_page(queryset: QuerySet[Fiche], cursor: str | None, size: int, make=None) -> Page:
    queryset = queryset.order_by(F("due_at").asc(nulls_last=True), "id")
    position = None
    if cursor:
        try:
            due, pk = cursor.split("_")
            position = (None if due == "n" else EPOCH + int(due) * MICROSECOND, int(pk))
        except (ValueError, OverflowError):
            position = None
    if position:
        moment, pk = position
        if moment is None:
            queryset = queryset.filter(due_at__isnull=True, id__gt=pk)
        else:
            queryset = queryset.filter(
                Q(due_at__gt=moment) | Q(due_at=moment, id__gt=pk) | Q(due_at__isnull=True)
            )
    return _page(queryset, size, bool(position), _due_cursor, make)


def _status_cursor(fiche: Fiche) -> str:
    return f"{fiche.status}_{encode_cursor(fiche)}"


def _status_page(queryset: QuerySet[Fiche], cursor: str | None, size: int, make=None) -> Page:
    queryset = queryset.order_by("status", "-created_at", "-id")
    position = None
    if cursor:
        status, _sep, rest = cursor.partition("_")
        place = decode_cursor(rest)
        position = (status, *place) if place and status in Status.values else None
    if position:
        status, moment, pk = position
        queryset = queryset.filter(
            Q(status__gt=status)
            | Q(status=status, created_at__lt=moment)
            | Q(status=status, created_at=moment, id__lt=pk)
        )
    return _page(queryset, size, bool(position), _status_cursor, make)


def find_requesters(query: str, limit: int = 8) -> list[Requester]:
    """Callers by phone number (any format) or by name, in any word order ("Sylvie Nicolas"
    finds "NICOLAS Sylvie"), accent-insensitive: each word typed starts a word of the name.

    Ranked: the whole name exactly (in either order), then every word typed a whole word of
    the name, then the rest; newest caller first within a rank. Each caller carries
    ``fiche_count``, ``last_reference`` and ``last_fiche_at`` (their latest fiche) so the agent
    can tell two homonyms apart, with their district (``district``)."""
    query = (query or "").strip()
    if len(query) < 2:
        return []
    from fiches.models import digits_of

    digits = digits_of(query)
    compact = query.replace(" ", "")
    for prefix in ("+33", "0033"):  # a partly typed international number: +33 6 12 …
        if compact.startswith(prefix):
            digits = "0" + digits_of(compact[len(prefix) :]).removeprefix("0")
    latest = Fiche.objects.filter(requester=OuterRef("pk")).order_by("-created_at", "-id")
    callers = Requester.objects.annotate(
        fiche_count=Count("fiches"),
        last_reference=Subquery(latest.values("reference")[:1]),
        last_fiche_at=Subquery(latest.values("created_at")[:1]),
    )
    if len(digits) >= 4 and len(digits) >= len(query.replace(" ", "").replace(".", "")) - 3:
        found = callers.filter(phone_digits__startswith=digits).order_by("-created_at", "-id")
    else:
        words = normalise(query).split()
        if not words:
            return []
        condition = Q()
        for word in words:
            condition &= Q(search_name__startswith=word) | Q(search_name__contains=f" {word}")
        exact = {" ".join(words), " ".join(reversed(words))}
        whole_words = Q()
        for word in words:
            whole_words &= (
                Q(search_name=word)
                | Q(search_name__startswith=f"{word} ")
                | Q(search_name__endswith=f" {word}")
                | Q(search_name__contains=f" {word} ")
            )
        found = (
            callers.filter(condition)
            .annotate(
                rank=Case(
                    When(search_name__in=exact, then=Value(0)),
                    When(whole_words, then=Value(1)),
                    default=Value(2),
                    output_field=IntegerField(),
                )
            )
            .order_by("rank", "-created_at", "-id")
        )
    people = list(found[:limit])
    for person in people:
        place = place_for_postal_code(person.postal_code)
        person.district = arrondissement_label(place.arrondissement) if place else person.city
    return people


def requester_history(requester: Requester, user, limit: int = 10) -> list[Fiche]:
    return list(
        visible_fiches(user)
        .filter(Q(requester=requester) | Q(followers=requester))
        .select_related(*LIST_RELATED)
        .order_by("-created_at")
        .distinct()[:limit]
    )


def address_key(street_number: str, street_name: str, postal_code: str) -> str:
    return normalise(f"{street_number} {street_name} {postal_code}")[:220]


def _nearby_query(key: tuple, family_id: int, since: datetime, *place_and_exclude: object) -> QuerySet[Fiche]:
    """Open fiches of a family in a scope, created since ``since``, in a box (south, north, west,
    east) or at an address key, then the fiche to leave out if ``key`` says there is one."""
    scope, fields, by_point, excluding, cap = key
    open_fiches = Fiche.objects.filter(status__in=OPEN_STATUSES).values("pk")
    if by_point:
        south, north, west, east = place_and_exclude[:4]
        place = open_fiches.filter(latitude__range=(south, north), longitude__range=(west, east))
    else:
        place = open_fiches.filter(address_key=place_and_exclude[0])
    found = fiches_in_scope(scope).filter(
        request_type__request_type__family_id=family_id, created_at__gte=since, pk__in=place
    )
    if excluding:
        found = found.exclude(pk=place_and_exclude[-1])
    found = found.select_related("request_type")  # all the lists and the map show of them
    return (found.only(*fields) if fields else found)[:cap]


# compiled once per scope and shape (the fiche page reads it for every fiche with a place)
NEARBY_QUERY = CompiledQuery(_nearby_query)


def nearby_open_fiches(
    user,
    *,
    type_code: str,
    address: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    limit: int = 5,
    exclude: int | None = None,
    family: Family | None = None,
    fields: tuple[str, ...] = (),
) -> list[Fiche]:
    """Possible duplicates: open fiches of the same family, created within the family's time
    window, within the family's distance of the point (a bounding box on the
    `fiche_status_point` index, then the exact distance) or at the same address (the
    `fiche_address` index); nearest first. Each fiche carries `distance_m` (None when it
    matched by address only, without coordinates). ``fields``: only those read (with
    ``select_related`` paths), for a caller that shows no other.

    The place is found among all open fiches first, by its own index, and the user's scope,
    the family and the window are checked on those few: given together, SQLite (which keeps
    no statistics here) read every fiche a cell ever had through the cell's index. The fiches
    at the address already found in the box are left out here, not in the SQL, which is
    compiled once (``NEARBY_QUERY``): ``limit`` more than the box can hold are read."""
    family = family or Family.objects.filter(types__code=type_code).first()
    if family is None:
        return []
    since = timezone.now() - timedelta(days=family.duplicate_window_days)
    scope = scope_for(user)
    excluded = () if exclude is None else (exclude,)

    def nearby(by_point: bool, cap: int, *place: object) -> list[Fiche]:
        key = (scope, fields, by_point, bool(excluded), cap)
        return NEARBY_QUERY(key, family.pk, since, *place, *excluded)

    found: dict[int, Fiche] = {}
    has_point = latitude is not None and longitude is not None
    if has_point:
        box = bounding_box(latitude, longitude, family.duplicate_radius_m)
        for fiche in nearby(True, NEARBY_CANDIDATES, *box):
            distance = distance_m(latitude, longitude, fiche.latitude, fiche.longitude)
            if distance <= family.duplicate_radius_m:
                fiche.distance_m = round(distance)
                found[fiche.pk] = fiche
    if address:
        same = [f for f in nearby(False, NEARBY_CANDIDATES + limit, address) if f.pk not in found]
        for fiche in same[:limit]:
            located = has_point and fiche.latitude is not None and fiche.longitude is not None
            fiche.distance_m = (
                round(distance_m(latitude, longitude, fiche.latitude, fiche.longitude)) if located else None
            )
            found[fiche.pk] = fiche
    ordered = sorted(
        found.values(),
        key=lambda f: (f.distance_m is None, f.distance_m or 0, -f.created_at.timestamp(), f.pk),
    )
    return ordered[:limit]


# What the fiche and work pages show of a neighbour (fiches/_location_map.html, map_points)
# and what finding them reads: building and reading the whole rows of a fiche and its type
# took a third of the neighbours' time.
NEIGHBOUR_FIELDS = ("reference", "status", "created_at", "latitude", "longitude", "request_type__label")


def neighbours(fiche: Fiche, user, limit: int = 20) -> list[Fiche]:
    """The fiche's possible duplicates around it (the map of the fiche and work pages)."""
    if fiche.latitude is None and not fiche.address_key:
        return []
    return nearby_open_fiches(
        user,
        type_code=fiche.request_type.code,
        address=fiche.address_key,
        latitude=fiche.latitude,
        longitude=fiche.longitude if fiche.latitude is not None else None,
        limit=limit,
        exclude=fiche.pk,
        family=fiche.request_type.request_type.family,
        fields=NEIGHBOUR_FIELDS,
    )


def map_points(fiches) -> list[dict]:
    """Fiches with coordinates as the maps' points: position, a text label and the page (the
    fiche pages' address reversed once, as ``located_points`` takes it)."""
    from core.urls import url_base

    fiche_base = url_base("fiches:detail")
    points = []
    for fiche in fiches:
        if fiche.latitude is None or fiche.longitude is None:
            continue
        distance = getattr(fiche, "distance_m", None)
        label = " · ".join(
            part
            for part in (
                fiche.reference,
                f"{distance} m" if distance is not None else "",
                fiche.request_type.label,
            )
            if part
        )
        url = f"{fiche_base}{fiche.reference}/"
        points.append({"lat": fiche.latitude, "lon": fiche.longitude, "label": label, "url": url})
    return points


# Most fiches drawn on a list's map (the newest first); the list itself gives them all.
MAP_LIMIT = 2000


def located_points(queryset: QuerySet[Fiche], url_base: str, limit: int = MAP_LIMIT) -> list[dict]:
    """The (filtered, scoped) fiches that have coordinates, as map points, in one query.
    `url_base`: the page of a fiche without its reference (e.g. "/fiches/")."""
    labels = dict(Status.choices)
    rows = (
        queryset.exclude(latitude=None)
        .exclude(longitude=None)
        .order_by("-created_at", "-id")
        .values_list("reference", "latitude", "longitude", "request_type__label", "status")[:limit]
    )
    return [
        {
            "lat": lat,
            "lon": lon,
            "label": f"{ref} · {label} · {labels.get(status, status)}",
            "url": f"{url_base}{ref}/",
        }
        for ref, lat, lon, label, status in rows
    ]


@dataclass(frozen=True)
class Found:
    """The fiches a list's filters find, and their number when the address counts told it
    without reading them (fiches.address_index)."""

    fiches: QuerySet[Fiche]
    count: int | None = None

    def capped_count(self) -> tuple[int, bool]:
        return capped_count(self.fiches, known=self.count)


def find_fiches(scope: Scope, filters: dict) -> Found:
    """The fiches of a scope that the list's filter values (cleaned form data) find."""
    from datetime import time as dtime

    reached = fiches_in_scope(scope)
    queryset = reached
    if filters.get("status"):
        queryset = queryset.filter(status__in=filters["status"])
    for name in ("body", "directorate"):
        if filters.get(name):
            queryset = queryset.filter(**{f"{name}_id": filters[name]})
    if filters.get("cell"):
        queryset = queryset.filter(cell_id=filters["cell"])
    if filters.get("quartier"):
        queryset = queryset.filter(quartier=filters["quartier"])
    if filters.get("family"):
        queryset = queryset.filter(request_type__request_type__family__code=filters["family"])
    if filters.get("type"):
        queryset = queryset.filter(request_type__request_type__code=filters["type"].strip().upper())
    for name in ("kind", "channel", "arrondissement"):
        if filters.get(name):
            queryset = queryset.filter(**{name: filters[name]})
    if filters.get("overdue"):
        queryset = queryset.filter(status__in=OPEN_STATUSES, due_at__lt=timezone.now())
    zone = timezone.get_current_timezone()
    if filters.get("date_from"):
        queryset = queryset.filter(created_at__gte=datetime.combine(filters["date_from"], dtime(), zone))
    if filters.get("date_to"):
        end = datetime.combine(filters["date_to"] + timedelta(days=1), dtime(), zone)
        queryset = queryset.filter(created_at__lt=end)
    text = (filters.get("q") or "").strip()
    if not text:
        return Found(queryset)
    if text.upper().startswith(settings.FICHE_REFERENCE_PREFIX + "-"):
        return Found(queryset.filter(reference_prefix(text.upper())))
    # the counts know the scope's fiches, not those of the other filters
    return address_search(queryset, normalise(text), scope if queryset is reached else None)


# When an address search reads the fiches at the keys found (fiches.address_index): up to a
# thousand, or one fiche in 100 of the table. They are looked up by key and sorted; on SQLite,
# which keeps no statistics to choose, a narrowed list's scope or filters checked on each.
# More (a street, "rue"), the ``LIKE`` reads the newest fiches, or the scope's, until the page
# is full, which a common word fills at once; their number is the counts' when the list is
# not filtered beyond its scope.
ADDRESS_SHARE = 100
FEW_ADDRESS_FICHES = 1_000
# PostgreSQL reads the fiches at the keys found only when they are a few keys (one address):
# it weighs each key of a list against its statistics when planning (a street's 180 keys took
# it 7 ms), and the narrowing with them. More, the LIKE, which the fiches' trigram index
# serves (0012) and which it weighs against the scope's newest fiches (without that index it
# estimated a street's LIKE at a thousandth of the fiches and read all of a cell's).
PG_FEW_ADDRESS_KEYS = 20


def address_search(queryset: QuerySet[Fiche], text: str, scope: Scope | None = None) -> Found:
    """The fiches whose address key holds ``text`` (normalised), as ``LIKE '%…%'`` finds them,
    through the counts of the keys (fiches.address_index): the keys holding the text first,
    and their fiches' number, then the fiches at those keys (few) or the ``LIKE`` newest first
    (many). ``scope``: given when ``queryset`` is that scope's fiches, unfiltered, whose number
    the counts then tell. A text shorter than a trigram is the ``LIKE``."""
    if "\x00" in text or len(text) > Fiche._meta.get_field("address_key").max_length:
        return Found(queryset.none(), 0)  # no key holds it
    if len(text) < address_index.TRIGRAM or queryset.query.is_empty():
        return Found(queryset.filter(address_key__contains=text))
    condition = None if scope is None else scope_filter(scope)
    matches = address_index.matches(text, condition, ADDRESS_SHARE, FEW_ADDRESS_FICHES)
    count = None if scope is None else matches.in_scope
    if not (matches.fiches if count is None else count):
        return Found(queryset.none(), 0)
    sqlite = connection.vendor == "sqlite"
    if matches.keys is None or not (sqlite or len(matches.keys) <= PG_FEW_ADDRESS_KEYS):
        return Found(queryset.filter(address_key__contains=text), count)
    at_keys = Q(address_key__in=matches.keys)
    if queryset.query.where and sqlite:  # the keys' fiches, not all the narrowing's entries, each checked
        return Found(Fiche.objects.filter(at_keys, Exists(queryset.filter(pk=OuterRef("pk")))), count)
    return Found(queryset.filter(at_keys), count)


def reference_prefix(prefix: str) -> Q:
    """References starting with ``prefix``. On SQLite, a range of the unique index: its
    ``LIKE`` ignores case, so it cannot use the index and read every reference of the years
    kept (105 ms at a million fiches). PostgreSQL's ``LIKE`` uses the pattern index Django
    gives a unique text column (a range there would follow the database's collation)."""
    if connection.vendor != "sqlite":
        return Q(reference__startswith=prefix)
    return Q(reference__gte=prefix, reference__lt=prefix[:-1] + chr(ord(prefix[-1]) + 1))


# In the shared cache, forgotten once a change of a body, a directorate or a family is
# committed (``forget_filter_choices``, connected in fiches.apps): the minute is only a bound.
FILTER_CHOICES_KEY = "fiches:filter-choices"
FILTER_CHOICES_SECONDS = 60


def filter_choices() -> dict[str, list[tuple]]:
    """Bodies, directorates and families for the list filters: small reference tables,
    cached so a list page does not query them on every request."""
    from organisations.models import Body, Directorate

    def build() -> dict[str, list[tuple]]:
        return {
            "body": [(b.pk, b.short_name) for b in Body.objects.all()],
            "directorate": [
                (d.pk, f"{d.name} ({d.body.short_name})") for d in Directorate.objects.select_related("body")
            ],
            "family": [(f.code, f.label) for f in Family.objects.all()],
        }

    return cache.get_or_set(FILTER_CHOICES_KEY, build, FILTER_CHOICES_SECONDS)


def forget_filter_choices(**kwargs: object) -> None:
    """A body, a directorate or a family saved or deleted: the list filters show it at once.
    Forgotten when the change is committed: before, another process could cache the old names
    again from the database."""
    transaction.on_commit(lambda: cache.delete(FILTER_CHOICES_KEY))
