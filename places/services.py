"""Loading a release of the address reference: streaming, in one transaction, replacing the last."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.color import no_style
from django.db import connection, transaction

from places import ban
from places.models import Address, ImportRun, Street, StreetWord
from places.text import name_key

BATCH = 5000
REPORTED_BAD_LINES = 200


@dataclass
class Report:
    lines: int = 0
    addresses: int = 0
    streets: int = 0
    outside: int = 0
    bad: list[tuple[int, str]] = field(default_factory=list)
    bad_count: int = 0


@dataclass
class _Street:
    pk: int
    name: str
    key: str
    kind: str
    insee_code: str
    postal_code: str
    arrondissement: int
    quartier: str = ""
    lat_sum: float = 0.0
    lon_sum: float = 0.0
    count: int = 0

    def add(self, row: ban.Row) -> None:
        self.lat_sum += row.latitude
        self.lon_sum += row.longitude
        self.count += 1
        self.quartier = self.quartier or row.quartier


def import_release(path: Path, progress: Callable[[int], None] | None = None, every: int = 100_000) -> Report:
    """Replace the reference by the file's addresses. A file not in the BAN layout raises
    `ban.LayoutError` and changes nothing; bad lines are reported with their numbers and skipped."""
    report = Report()
    streets: dict[tuple[str, str, str], _Street] = {}

    def street_for(name: str, kind: str, row: ban.Row) -> _Street:
        key = name_key(name) or name.upper()
        entry = streets.get((row.insee_code, kind, key))
        if entry is None:
            entry = _Street(
                len(streets) + 1, name, key, kind, row.insee_code, row.postal_code, row.arrondissement
            )
            streets[(row.insee_code, kind, key)] = entry
        return entry

    with ban.open_text(path) as handle, transaction.atomic():
        lines = ban.read(handle)
        StreetWord.objects.all().delete()
        Address.objects.all().delete()
        Street.objects.all().delete()
        batch: list[tuple] = []
        for number, parsed in lines:
            report.lines += 1
            if progress and report.lines % every == 0:
                progress(report.lines)
            if isinstance(parsed, ban.Outside):
                report.outside += 1
                continue
            if isinstance(parsed, ban.Bad):
                report.bad_count += 1
                if len(report.bad) < REPORTED_BAD_LINES:
                    report.bad.append((number, parsed.message))
                continue
            if parsed.street:
                street = street_for(parsed.street, Street.Kind.STREET, parsed)
            else:
                street = street_for(parsed.lieu_dit, Street.Kind.LOCALITY, parsed)
            street.add(parsed)
            if parsed.street and parsed.lieu_dit:
                street_for(parsed.lieu_dit, Street.Kind.LOCALITY, parsed).add(parsed)
            batch.append(
                (
                    street.pk,
                    parsed.number,
                    parsed.repetition,
                    parsed.postal_code,
                    parsed.lieu_dit,
                    parsed.quartier,
                    parsed.latitude,
                    parsed.longitude,
                    parsed.ban_id,
                )
            )
            if len(batch) >= BATCH:
                report.addresses += _insert_addresses(batch)
                batch = []
        report.addresses += _insert_addresses(batch)
        _write_streets(streets.values())
        report.streets = len(streets)
        ImportRun.objects.create(
            file_name=path.name[:255],
            lines=report.lines,
            addresses=report.addresses,
            streets=report.streets,
            outside=report.outside,
            bad_lines=report.bad_count,
        )
    return report


ADDRESS_COLUMNS = (
    "street_id", "number", "repetition", "postal_code", "lieu_dit",
    "quartier", "latitude", "longitude", "ban_id",
)  # fmt: skip


def _insert_addresses(rows: list[tuple]) -> int:
    """Many rows in one `executemany`: no model instance per line (the import's hot path)."""
    if rows:
        table = connection.ops.quote_name(Address._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(c) for c in ADDRESS_COLUMNS)
        placeholders = ", ".join(["%s"] * len(ADDRESS_COLUMNS))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608 - quoted names
                rows,
            )
    return len(rows)


def _write_streets(entries) -> None:
    rows: list[Street] = []
    words: list[StreetWord] = []
    for entry in entries:
        rows.append(
            Street(
                pk=entry.pk,
                insee_code=entry.insee_code,
                postal_code=entry.postal_code,
                arrondissement=entry.arrondissement,
                name=entry.name,
                key=entry.key,
                word_count=len(entry.key.split()),
                kind=entry.kind,
                quartier=entry.quartier,
                latitude=round(entry.lat_sum / entry.count, 6),
                longitude=round(entry.lon_sum / entry.count, 6),
            )
        )
        words.extend(StreetWord(street_id=entry.pk, word=word) for word in set(entry.key.split()))
    Street.objects.bulk_create(rows, batch_size=BATCH)
    StreetWord.objects.bulk_create(words, batch_size=BATCH)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Street]):
            cursor.execute(statement)
