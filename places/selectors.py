"""Reading the address reference: type-ahead search and reverse look-up.

`search(q, limit)` and `reverse(lat, lon)` are the surface other apps use (intake, the public
form). Both work on SQLite and PostgreSQL with plain B-tree indexes: a query word is a prefix
of a street word (a range on `street_word`), coordinates are a bounding box on `address_point`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

from places import adapter
from places.geo import bounding_box, distance_m
from places.models import Address, Street, StreetWord
from places.text import WORD_LENGTH, parse_query

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


def word_range(word: str) -> Q:
    """`word` as a prefix, as a range an index answers on every database and collation (no
    LIKE): words are upper-case letters and digits, so every word starting with `word` lies
    between it and `word` followed by Zs."""
    return Q(word__gte=word, word__lte=word + "Z" * (WORD_LENGTH - len(word)))


def matching_streets(words: tuple[str, ...], limit: int = CANDIDATE_STREETS) -> list[Street]:
    """Streets having, for every query word, a word that starts with it; best first: all words
    whole, then the fewest other words, then the name."""
    if not words:
        return []
    queryset = Street.objects.all()
    for word in sorted(words, key=len, reverse=True):
        queryset = queryset.filter(pk__in=StreetWord.objects.filter(word_range(word)).values("street_id"))
    candidates = list(queryset.order_by("word_count", "name", "postal_code")[: limit * 4])

    def rank(street: Street) -> tuple:
        own = street.key.split()
        whole = sum(word in own for word in words)
        return (-whole, street.word_count - len(words), street.kind != Street.Kind.STREET, street.name)

    return sorted(candidates, key=rank)[:limit]


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
    streets = matching_streets(query.words, CANDIDATE_STREETS)
    if not streets:
        return []
    if query.number is None:
        return [street_hit(street) for street in streets[:limit]]
    by_street = {street.pk: street for street in streets}
    nearby = Address.objects.filter(
        street_id__in=list(by_street),
        number__range=(max(query.number - NUMBER_SPREAD, 0), query.number + NUMBER_SPREAD),
    ).only("id", "street_id", "number", "repetition", "postal_code", "quartier", "latitude", "longitude")
    best: dict[int, list[Address]] = {}
    for address in nearby:
        best.setdefault(address.street_id, []).append(address)
    hits: list[Hit] = []
    for street in streets:
        addresses = best.get(street.pk)
        if not addresses:
            continue
        addresses.sort(
            key=lambda a: (abs(a.number - query.number), a.repetition != query.repetition, a.repetition)
        )
        exact = [a for a in addresses if a.number == query.number]
        for address in exact or addresses[:1]:
            hits.append(address_hit(address, street, exact=bool(exact)))
    hits.sort(key=lambda hit: not hit.exact)
    return hits[:limit]


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
