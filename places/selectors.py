"""Reading the address reference: type-ahead search and reverse look-up.

`search(q, limit)` and `reverse(lat, lon)` are the surface other apps use (intake, the public
form). Both work on SQLite and PostgreSQL with plain B-tree indexes: a query word is a prefix
of a street word (a range on `street_word`), coordinates are a bounding box on `address_point`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from places import adapter
from places.geo import bounding_box, distance_m
from places.models import Address, Street
from places.text import WORD_LENGTH, Query, parse_query

CANDIDATE_STREETS = 60
NUMBER_SPREAD = 20
REVERSE_RADII_M = (25, 100, 400, 1500)


@dataclass(frozen=True)
class Hit:
    """An address (or a street, a lieu-dit) that the agent can pick."""

    number: str
    street: str
    postal_code: str
    arrondissement: int | None
    quartier: str
    latitude: float
    longitude: float
    address_id: int | None = None
    exact: bool = True
    source: str = "local"
    distance_m: float | None = None

    @property
    def label(self) -> str:
        place = f"{self.number} {self.street}" if self.number else self.street
        return f"{place}, {self.postal_code} Marseille"


def word_conditions(words: tuple[str, ...], column: str) -> tuple[str, list[str]]:
    """SQL: `column` is a street having, for each query word, a word starting with it. A prefix
    is a range that the `street_word` index answers on every database and collation (no LIKE):
    words are upper-case letters and digits, so all words starting with `w` lie between `w` and
    `w` followed by Zs. Longest words first: they narrow most."""
    sql, params = [], []
    for word in sorted(words, key=len, reverse=True):
        sql.append(f"{column} IN (SELECT street_id FROM places_streetword WHERE word >= %s AND word <= %s)")  # noqa: S608
        params += [word, word + "Z" * (WORD_LENGTH - len(word))]
    return " AND ".join(sql), params


STREET_COLUMNS = "s.id, s.name, s.key, s.word_count, s.kind, s.postal_code, s.arrondissement, s.quartier"


def _street_rank(words: tuple[str, ...], key: str, word_count: int, kind: str, name: str) -> tuple:
    """All query words whole first, then the fewest other words, streets before lieux-dits."""
    own = key.split()
    whole = sum(word in own for word in words)
    return (-whole, word_count - len(words), kind != Street.Kind.STREET, name)


def matching_streets(words: tuple[str, ...], limit: int = CANDIDATE_STREETS) -> list[Street]:
    """Streets having, for every query word, a word that starts with it; best first."""
    if not words:
        return []
    condition, params = word_conditions(words, "id")
    candidates = Street.objects.raw(
        f"SELECT * FROM places_street WHERE {condition} "  # noqa: S608 - fixed SQL, values as parameters
        "ORDER BY word_count, name, postal_code LIMIT %s",
        [*params, limit * 4],
    )
    return sorted(candidates, key=lambda s: _street_rank(words, s.key, s.word_count, s.kind, s.name))[:limit]


def search(q: str, limit: int = 8) -> list[Hit]:
    """Addresses matching what was typed: number and street words in any order, accents,
    hyphens and abbreviations ignored. With the national API set up, asks it first and falls
    back to the local reference on any failure."""
    if len((q or "").strip()) < 3:
        return []
    if settings.PLACES_API_URL:
        hits = adapter.search(q, limit)
        if hits is not None:
            return hits
    return local_search(q, limit)


def local_search(q: str, limit: int = 8) -> list[Hit]:
    query = parse_query(q[:200])
    if not query.words:
        return []
    if query.number is None:
        return [street_hit(street) for street in matching_streets(query.words, limit)]
    condition, params = word_conditions(query.words, "a.street_id")
    hits = _numbered(query, condition, [query.number, *params], "a.number = %s", limit, exact=True)
    if not hits:
        spread = [max(query.number - NUMBER_SPREAD, 0), query.number + NUMBER_SPREAD]
        between = "a.number BETWEEN %s AND %s"
        hits = _numbered(query, condition, [*spread, *params], between, limit, exact=False)
    return hits


def _numbered(
    query: Query, condition: str, params: list, number_sql: str, limit: int, exact: bool
) -> list[Hit]:
    """Addresses of the matching streets with the number (or, not exact, the nearest one of each
    street), best street first and the repetition typed first, in one indexed query."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.id, a.number, a.repetition, a.postal_code, a.quartier, a.latitude, a.longitude, "  # noqa: S608
            f"{STREET_COLUMNS} FROM places_address a JOIN places_street s ON s.id = a.street_id "
            f"WHERE {number_sql} AND {condition} ORDER BY s.word_count, s.name, a.id LIMIT %s",
            [*params, CANDIDATE_STREETS * 4],
        )
        rows = cursor.fetchall()

    def rank(row: tuple) -> tuple:
        street = _street_rank(query.words, row[9], row[10], row[11], row[8])
        return (street, row[7], abs(row[1] - query.number), row[2] != query.repetition, row[2])

    hits: list[Hit] = []
    seen: set[int] = set()
    for row in sorted(rows, key=rank):
        street_id = row[7]
        if not exact and street_id in seen:
            continue
        seen.add(street_id)
        number = f"{row[1]} {row[2]}".strip()
        hits.append(
            Hit(number=number, street=row[8], postal_code=row[3], arrondissement=row[13],
                quartier=row[4] or row[14], latitude=row[5], longitude=row[6], address_id=row[0], exact=exact)
        )  # fmt: skip
        if len(hits) >= limit:
            break
    return hits


def street_hit(street: Street) -> Hit:
    return Hit(
        number="",
        street=street.name,
        postal_code=street.postal_code,
        arrondissement=street.arrondissement,
        quartier=street.quartier,
        latitude=street.latitude,
        longitude=street.longitude,
    )


def address_hit(address: Address, street: Street, exact: bool = True, distance: float | None = None) -> Hit:
    number = f"{address.number} {address.repetition}".strip() if address.number is not None else ""
    return Hit(
        number=number,
        street=street.name,
        postal_code=address.postal_code,
        arrondissement=street.arrondissement,
        quartier=address.quartier or street.quartier,
        latitude=address.latitude,
        longitude=address.longitude,
        address_id=address.pk,
        exact=exact,
        distance_m=distance,
    )


def address(pk: int | None) -> Hit | None:
    """The address chosen at intake, as a hit (None when it is no longer in the reference)."""
    found = Address.objects.select_related("street").filter(pk=pk).first() if pk else None
    return address_hit(found, found.street) if found else None


def picked(pk: int | None, number: str, street: str, postal_code: str) -> Hit | None:
    """The address picked in a type-ahead (intake, the online form), when the address fields
    are still its own: a retyped field makes the address a free, unverified one."""
    hit = address(pk)
    typed = (number.strip(), street.strip(), postal_code.strip())
    return hit if hit is not None and (hit.number, hit.street, hit.postal_code) == typed else None


def reverse(lat: float, lon: float) -> Hit | None:
    """The nearest known address to a point (within 1.5 km), with its distance."""
    for radius in REVERSE_RADII_M:
        south, north, west, east = bounding_box(lat, lon, radius)
        candidates = list(
            Address.objects.filter(latitude__range=(south, north), longitude__range=(west, east))
            .exclude(number=None)
            .select_related("street")[:2000]
        )
        if candidates:
            measured = [(distance_m(lat, lon, a.latitude, a.longitude), a) for a in candidates]
            distance, nearest = min(measured, key=lambda pair: (pair[0], pair[1].pk))
            if distance <= radius:
                return address_hit(nearest, nearest.street, distance=round(distance))
    return None
