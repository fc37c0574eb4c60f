"""Export and import of the whole nomenclature as XLSX or CSV.

Export writes the versions in force (or every version) with spreadsheet cells escaped
against formula injection. Import reads XLSX or CSV (``,`` or ``;``), validates every row
first and collects every error with its spreadsheet line number (the header is line 1);
if any row is wrong nothing changes. Otherwise, in one transaction, families are created
or renamed, new types are created and a new version is published only for the types whose
content differs from their latest published version.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalogue.models import Family, Kind, Priority, RequestType, RequestTypeVersion, Unit, normalise
from catalogue.services import (
    CODE_MAX,
    CODE_PATTERN,
    KEYWORDS_MAX,
    LABEL_MAX,
    TypeData,
    deadline_error,
    latest_version,
    publish_version,
    questions_error,
    text_error,
    version_differs,
)
from core.exports import escape_formula, unescape_formula
from core.uploads import UnsafeArchive, check_archive
from organisations.models import Directorate

MAX_ROWS = 10_000
# A spreadsheet's lines (empty ones included) and columns read at most, and a cell's length:
# beyond them the file is refused (or extra columns ignored) instead of read for minutes.
MAX_LINES = 2 * MAX_ROWS
MAX_COLUMNS = 64
MAX_CELL = 10_000
FAMILY_LABEL_MAX = 120

# Column key -> header written on export: French, and read back by the import (HEADER_ALIASES,
# which also accepts the English headers of earlier exports).
COLUMNS: list[tuple[str, str]] = [
    ("code", "code"),
    ("family_code", "code famille"),
    ("family_label", "libellé famille"),
    ("label", "libellé"),
    ("keywords", "mots-clés"),
    ("kind", "nature"),
    ("directorate", "code direction"),
    ("deadline_amount", "délai"),
    ("deadline_unit", "unité du délai"),
    ("priority", "priorité"),
    ("phone_only", "téléphone uniquement"),
    ("anonymous_allowed", "anonymat autorisé"),
    ("questions", "questions complémentaires"),
    ("active", "actif"),
    ("public_channel", "canal public"),
    ("publishable", "publiable"),
]
HISTORY_COLUMNS: list[tuple[str, str]] = [
    ("version", "version"),
    ("status", "statut"),
    ("effective_from", "en vigueur le"),
    ("recorded_at", "enregistrée le"),
    ("recorded_by", "enregistrée par"),
    ("reason", "motif"),
]
# Flags a sheet may leave out (older sheets): the type keeps its value.
KEPT_FLAGS = ("public_channel", "publishable")
# Values written on export, in French; the import reads them back (the *_ALIASES below).
KIND_WORDS = {Kind.ANOMALY: "anomalie"}
UNIT_WORDS = {
    Unit.HOURS: "heures",
    Unit.CALENDAR_DAYS: "jours calendaires",
    Unit.WORKING_DAYS: "jours ouvrés",
    Unit.BUSINESS_DAYS: "jours ouvrables",
}
PRIORITY_WORDS = {Priority.URGENT: "urgente", Priority.NORMAL: "normale", Priority.LOW: "basse"}


def yes_no(value: bool) -> str:
    return "oui" if value else "non"


REQUIRED = ("code", "family_code", "label", "kind", "directorate", "deadline_amount", "deadline_unit")

# Accepted headers (normalised: lower case, no accents, "_" and "-" as spaces) -> column key.
HEADER_ALIASES: dict[str, str] = {
    "code": "code",
    "code type": "code",
    "family code": "family_code",
    "family": "family_code",
    "code famille": "family_code",
    "famille": "family_code",
    "family label": "family_label",
    "libelle famille": "family_label",
    "label": "label",
    "libelle": "label",
    "keywords": "keywords",
    "mots cles": "keywords",
    "mots cles et synonymes": "keywords",
    "kind": "kind",
    "nature": "kind",
    "directorate code": "directorate",
    "directorate": "directorate",
    "code direction": "directorate",
    "direction": "directorate",
    "deadline amount": "deadline_amount",
    "deadline": "deadline_amount",
    "delai": "deadline_amount",
    "deadline unit": "deadline_unit",
    "unite": "deadline_unit",
    "unite du delai": "deadline_unit",
    "priority": "priority",
    "priorite": "priority",
    "phone only": "phone_only",
    "telephone uniquement": "phone_only",
    "anonymous allowed": "anonymous_allowed",
    "anonyme autorise": "anonymous_allowed",
    "anonymat autorise": "anonymous_allowed",
    "public channel": "public_channel",
    "canal public": "public_channel",
    "publishable": "publishable",
    "publiable": "publishable",
    "questions": "questions",
    "questions complementaires": "questions",
    "active": "active",
    "actif": "active",
}

# Choice values accepted in cells, besides the codes themselves (normalised text -> code).
KIND_ALIASES = {
    "anomalie": Kind.ANOMALY,
    "signalement": Kind.ANOMALY,
    "demande d'information": Kind.INFORMATION,
}
UNIT_ALIASES = {
    "heures": Unit.HOURS,
    "heure": Unit.HOURS,
    "h": Unit.HOURS,
    "jours calendaires": Unit.CALENDAR_DAYS,
    "jours ouvres": Unit.WORKING_DAYS,
    "jours ouvrables": Unit.BUSINESS_DAYS,
}
PRIORITY_ALIASES = {
    "urgente": Priority.URGENT,
    "normale": Priority.NORMAL,
    "basse": Priority.LOW,
    "faible": Priority.LOW,
}
TRUE_WORDS = {"1", "true", "yes", "oui", "vrai", "x", "o", "y"}
FALSE_WORDS = {"", "0", "false", "no", "non", "faux", "n"}


# --------------------------------------------------------------------------- export


def export_versions(*, all_versions: bool = False, at: datetime | None = None) -> list[RequestTypeVersion]:
    related = ("request_type__family", "directorate", "created_by")
    if all_versions:
        queryset = RequestTypeVersion.objects.all()
    else:
        queryset = RequestTypeVersion.objects.in_force(at, include_inactive=True)
    return list(queryset.select_related(*related).order_by("request_type__code", "number"))


def version_row(version: RequestTypeVersion, *, history: bool = False) -> list[Any]:
    request_type = version.request_type
    row: list[Any] = [
        request_type.code,
        request_type.family.code,
        request_type.family.label,
        version.label,
        version.keywords,
        KIND_WORDS.get(version.kind, version.kind),
        version.directorate.code,
        version.deadline_amount,
        UNIT_WORDS.get(version.deadline_unit, version.deadline_unit),
        PRIORITY_WORDS.get(version.priority, version.priority),
        yes_no(version.phone_only),
        yes_no(version.anonymous_allowed),
        json.dumps(version.questions or [], ensure_ascii=False) if version.questions else "",
        yes_no(request_type.active),
        yes_no(version.public_channel),
        yes_no(version.publishable),
    ]
    if history:
        row += [
            version.number,
            version.status,
            timezone.localtime(version.effective_from).strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(version.created_at).strftime("%Y-%m-%d %H:%M"),
            version.created_by.get_username() if version.created_by else "",
            version.reason,
        ]
    return [escape_formula(value) for value in row]


def _header(history: bool) -> list[str]:
    return [title for _key, title in COLUMNS + (HISTORY_COLUMNS if history else [])]


def export_csv(*, all_versions: bool = False, at: datetime | None = None) -> bytes:
    """UTF-8 with BOM and ``;`` separators, as a French spreadsheet expects."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(_header(all_versions))
    for version in export_versions(all_versions=all_versions, at=at):
        writer.writerow(version_row(version, history=all_versions))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_xlsx(*, all_versions: bool = False, at: datetime | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = "nomenclature"
    sheet.append(_header(all_versions))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for version in export_versions(all_versions=all_versions, at=at):
        sheet.append(version_row(version, history=all_versions))
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_nomenclature(fmt: str, *, all_versions: bool = False) -> bytes:
    if fmt == "xlsx":
        return export_xlsx(all_versions=all_versions)
    if fmt == "csv":
        return export_csv(all_versions=all_versions)
    raise ValueError(f"Unknown export format: {fmt}")


# --------------------------------------------------------------------------- import


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = _("line %(line)s") % {"line": self.line} if self.line else _("file")
        column = f" [{self.column}]" if self.column else ""
        return f"{where}{column}: {self.message}"


@dataclass
class ImportReport:
    dry_run: bool = False
    rows: int = 0
    created: list[str] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    reactivated: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    families_created: list[str] = field(default_factory=list)
    families_renamed: list[str] = field(default_factory=list)
    changes: dict[str, list[str]] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def version_lines(self) -> list[tuple[str, list[str]]]:
        """(code, names of the changed fields) for every new version."""
        return [(code, self.changes.get(code, [])) for code in self.new_versions]

    def summary(self) -> str:
        return _(
            "%(rows)s rows: %(created)s created, %(versions)s new versions, %(unchanged)s unchanged, "
            "%(errors)s errors."
        ) % {
            "rows": self.rows,
            "created": len(self.created),
            "versions": len(self.new_versions),
            "unchanged": len(self.unchanged),
            "errors": len(self.errors),
        }


@dataclass
class ParsedRow:
    line: int
    code: str
    family_code: str
    family_label: str
    label: str
    keywords: str
    kind: str
    directorate: Directorate
    deadline_amount: int
    deadline_unit: str
    priority: str
    phone_only: bool
    anonymous_allowed: bool
    public_channel: bool | None  # None: not in the sheet, keep the type's
    publishable: bool | None
    questions: list[dict[str, Any]]
    active: bool


class ImportFileError(Exception):
    """The file itself cannot be read (format, encoding, header)."""


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat()
    return unescape_formula(str(value).strip())


def read_rows(content: bytes, filename: str) -> Iterator[tuple[int, list[str]]]:
    """(spreadsheet line number, cells as text) for every line, header first; a file whose
    lines or cells are out of bounds is refused."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        lines = _read_xlsx(content)
    elif name.endswith((".csv", ".txt")):
        lines = _read_csv(content)
    else:
        raise ImportFileError(_("Unsupported file type: use .xlsx or .csv."))
    for line, values in lines:
        if line > MAX_LINES:
            raise ImportFileError(_("More than %(max)s lines: split the file.") % {"max": MAX_LINES})
        if any(len(value) > MAX_CELL for value in values):
            raise ImportFileError(
                _("Line %(line)s: a cell holds more than %(max)s characters.")
                % {"line": line, "max": MAX_CELL}
            )
        yield line, values[:MAX_COLUMNS]


def _read_xlsx(content: bytes) -> Iterator[tuple[int, list[str]]]:
    """Streamed (read-only mode), after the archive passed the size checks; the sheet's
    declared dimension is ignored (it may claim a million rows of 16,384 columns)."""
    from openpyxl import load_workbook

    try:
        check_archive(content)
    except UnsafeArchive as exc:
        raise ImportFileError(str(exc)) from exc
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on a broken file
        raise ImportFileError(_("This is not a readable XLSX file.")) from exc
    try:
        sheet = workbook["nomenclature"] if "nomenclature" in workbook.sheetnames else workbook.worksheets[0]
        sheet.reset_dimensions()
        # one line past the bound, for read_rows to refuse a longer sheet
        rows = sheet.iter_rows(max_row=MAX_LINES + 1, max_col=MAX_COLUMNS, values_only=True)
        for line, values in enumerate(rows, start=1):
            cells = [_cell_text(v) for v in values]
            while cells and not cells[-1]:  # the padding up to MAX_COLUMNS
                cells.pop()
            yield line, cells
    except Exception as exc:
        raise ImportFileError(_("This is not a readable XLSX file.")) from exc
    finally:
        workbook.close()


def _read_csv(content: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")  # a file saved by an old French Excel
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    if first_line.count("\t") > max(first_line.count(";"), first_line.count(",")):
        delimiter = "\t"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for values in reader:
            # csv.reader's line_num counts physical lines, so quoted newlines keep numbers right.
            yield reader.line_num, [_cell_text(v) for v in values]
    except csv.Error as exc:
        raise ImportFileError(_("Unreadable CSV near line %(line)s.") % {"line": reader.line_num}) from exc


def _header_key(title: str) -> str | None:
    text = normalise(title.lstrip("\ufeff")).replace("_", " ").replace("-", " ")
    return HEADER_ALIASES.get(" ".join(text.split()))


def _choice(value: str, choices: Iterable[str], aliases: dict[str, str]) -> str | None:
    key = normalise(value)
    if key in choices:
        return key
    return aliases.get(key)


def _boolean(value: str) -> bool | None:
    key = normalise(value)
    if key in TRUE_WORDS:
        return True
    if key in FALSE_WORDS:
        return False
    return None


def _questions(value: str) -> tuple[list[dict[str, Any]], str | None]:
    if not value.strip():
        return [], None
    try:
        data = json.loads(value)
    except json.JSONDecodeError as exc:
        return [], _("Invalid JSON (%(error)s).") % {"error": exc.msg}
    except RecursionError:
        return [], _("Invalid JSON (nested too deeply).")
    problem = questions_error(data)
    if problem:
        return [], problem
    return data, None


def parse_file(content: bytes, filename: str) -> tuple[list[ParsedRow], list[RowError], int]:
    """Validate every row; return the parsed rows, every error found and the number of data rows."""
    errors: list[RowError] = []
    rows: list[ParsedRow] = []
    try:
        lines = read_rows(content, filename)
        header_line, header = next(lines, (1, []))
        columns: dict[str, int] = {}
        for index, title in enumerate(header):
            key = _header_key(title)
            if key is None:
                continue  # extra columns (an export's history columns, notes) are ignored
            if key in columns:
                errors.append(RowError(header_line, title, _("This column appears twice.")))
            columns[key] = index
        missing = [key for key in REQUIRED if key not in columns]
        if missing:
            titles = dict(COLUMNS)
            errors.append(
                RowError(
                    header_line,
                    "",
                    _("Missing required columns: %(columns)s.")
                    % {"columns": ", ".join(titles[key] for key in missing)},
                )
            )
            return [], errors, 0
        file_titles = {key: header[index] for key, index in columns.items()}
        directorates = {d.code: d for d in Directorate.objects.select_related("body", "cell")}
        seen: dict[str, int] = {}
        family_labels: dict[str, tuple[str, int]] = {}
        count = 0
        for line, values in lines:
            if not any(values):
                continue
            count += 1
            if count > MAX_ROWS:
                errors.append(RowError(line, "", _("Too many rows (at most %(max)s).") % {"max": MAX_ROWS}))
                break
            code_index = columns["code"]
            raw_code = values[code_index].strip().upper() if code_index < len(values) else ""
            if raw_code and raw_code in seen:
                errors.append(
                    RowError(
                        line,
                        file_titles["code"],
                        _("Code %(code)s already appears on line %(line)s.")
                        % {"code": raw_code, "line": seen[raw_code]},
                    )
                )
            elif raw_code:
                seen[raw_code] = line
            row = _parse_row(line, values, columns, directorates, errors, file_titles)
            if row is None:
                continue
            if row.family_label:
                known = family_labels.get(row.family_code)
                if known and known[0] != row.family_label:
                    errors.append(
                        RowError(
                            line,
                            file_titles.get("family_label", "family label"),
                            _("Family %(family)s is labelled differently on line %(line)s.")
                            % {"family": row.family_code, "line": known[1]},
                        )
                    )
                family_labels.setdefault(row.family_code, (row.family_label, line))
            rows.append(row)
    except ImportFileError as exc:
        errors.append(RowError(0, "", str(exc)))
        return [], errors, 0
    return rows, errors, count


def _parse_row(
    line: int,
    values: list[str],
    columns: dict[str, int],
    directorates: dict[str, Directorate],
    errors: list[RowError],
    file_titles: dict[str, str] | None = None,
) -> ParsedRow | None:
    titles = {**dict(COLUMNS), **(file_titles or {})}  # errors name columns as the file does
    before = len(errors)

    def get(key: str) -> str:
        index = columns.get(key)
        return values[index].strip() if index is not None and index < len(values) else ""

    def error(key: str, message: str) -> None:
        errors.append(RowError(line, titles.get(key, key), message))

    for key in REQUIRED:
        if not get(key):
            error(key, _("This value is required."))
    code = get("code").upper()
    if code and (len(code) > CODE_MAX or not CODE_PATTERN.fullmatch(code)):
        error("code", _("A code has 1 to %(max)s letters, digits, - and _ (no spaces).") % {"max": CODE_MAX})
    family_code = get("family_code").lower()
    if family_code and (len(family_code) > 30 or not all(c.isalnum() or c in "-_" for c in family_code)):
        error("family_code", _("A family code uses letters, digits, - and _ only (30 at most)."))
    family_label, label, keywords = get("family_label"), get("label"), " ".join(get("keywords").split())
    for key, value, limit in (
        ("family_label", family_label, FAMILY_LABEL_MAX),
        ("label", label, LABEL_MAX),
        ("keywords", keywords, KEYWORDS_MAX),
    ):
        problem = text_error(value, limit)
        if problem:
            error(key, problem)
    kind = _choice(get("kind"), Kind.values, KIND_ALIASES) if get("kind") else None
    if get("kind") and kind is None:
        error("kind", _("Unknown kind %(value)r (expected one of %(choices)s).")
              % {"value": get("kind"), "choices": ", ".join(Kind.values)})  # fmt: skip
    directorate = directorates.get(get("directorate").lower()) if get("directorate") else None
    if get("directorate") and directorate is None:
        error("directorate", _("Unknown directorate %(value)r.") % {"value": get("directorate")})
    elif directorate is not None and not hasattr(directorate, "cell"):
        error("directorate", _("This directorate has no cell to receive fiches."))
    unit = _choice(get("deadline_unit"), Unit.values, UNIT_ALIASES) if get("deadline_unit") else None
    if get("deadline_unit") and unit is None:
        error("deadline_unit", _("Unknown deadline unit %(value)r (expected one of %(choices)s).")
              % {"value": get("deadline_unit"), "choices": ", ".join(Unit.values)})  # fmt: skip
    amount: int | None = None
    if get("deadline_amount"):
        try:
            amount = int(get("deadline_amount"))
        except ValueError:
            error(
                "deadline_amount",
                _("%(value)r is not a positive whole number.") % {"value": get("deadline_amount")[:40]},
            )
        else:
            problem = deadline_error(amount, unit or "")
            if problem:
                error("deadline_amount", problem)
    priority: str | None = Priority.NORMAL
    if get("priority"):
        priority = _choice(get("priority"), Priority.values, PRIORITY_ALIASES)
        if priority is None:
            error("priority", _("Unknown priority %(value)r (expected one of %(choices)s).")
                  % {"value": get("priority"), "choices": ", ".join(Priority.values)})  # fmt: skip
    flags: dict[str, bool] = {}
    kept: dict[str, bool | None] = {}
    for key, default in (
        ("phone_only", False),
        ("anonymous_allowed", False),
        ("public_channel", False),
        ("publishable", False),
        ("active", True),
    ):
        if key in KEPT_FLAGS and not (key in columns and get(key)):
            kept[key] = None
            continue
        if key not in columns or (key == "active" and not get(key)):
            flags[key] = default
            continue
        value = _boolean(get(key))
        if value is None:
            error(key, _("%(value)r is not yes or no.") % {"value": get(key)})
        if key in KEPT_FLAGS:
            kept[key] = bool(value)
        else:
            flags[key] = bool(value)
    questions, question_error = _questions(get("questions"))
    if question_error:
        error("questions", question_error)
    if len(errors) > before:
        return None
    assert kind and directorate and amount and unit and priority  # guaranteed by the checks above
    return ParsedRow(
        line=line,
        code=code,
        family_code=family_code,
        family_label=family_label,
        label=label,
        keywords=keywords,
        kind=kind,
        directorate=directorate,
        deadline_amount=amount,
        deadline_unit=unit,
        priority=priority,
        phone_only=flags["phone_only"],
        anonymous_allowed=flags["anonymous_allowed"],
        public_channel=kept["public_channel"],
        publishable=kept["publishable"],
        questions=questions,
        active=flags["active"],
    )


def _kept(value: bool | None, previous: RequestTypeVersion | None, name: str) -> bool:
    if value is not None:
        return value
    return bool(previous and getattr(previous, name))


class _DryRunRollback(Exception):
    pass


def import_nomenclature(
    content: bytes,
    filename: str,
    *,
    user=None,
    reason: str = "",
    effective_from: datetime | None = None,
    dry_run: bool = False,
    status: str = RequestTypeVersion.Status.PUBLISHED,
) -> ImportReport:
    """Validate everything, then apply everything or nothing. ``dry_run`` rolls back at the end."""
    report = ImportReport(dry_run=dry_run)
    rows, errors, report.rows = parse_file(content, filename)
    if errors:
        report.errors = errors
        return report
    effective_from = effective_from or timezone.now()
    reason = reason or _("Import of the nomenclature")
    try:
        with transaction.atomic():
            _apply(rows, report, user=user, reason=reason, effective_from=effective_from, status=status)
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    except ValidationError as exc:  # a rule of TypeData.validate not covered by parsing
        report.errors.append(RowError(0, "", "; ".join(exc.messages)))
        report.created, report.new_versions, report.unchanged = [], [], []
    return report


def _apply(rows: list[ParsedRow], report: ImportReport, **publish: Any) -> None:
    families = {f.code: f for f in Family.objects.select_for_update()}
    next_order = max((f.order for f in families.values()), default=0) + 1
    for row in rows:
        family = families.get(row.family_code)
        if family is None:
            family = Family.objects.create(
                code=row.family_code, label=row.family_label or row.family_code.title(), order=next_order
            )
            next_order += 1
            families[row.family_code] = family
            report.families_created.append(family.code)
        elif row.family_label and family.label != row.family_label:
            family.label = row.family_label
            family.save(update_fields=["label"])
            report.families_renamed.append(family.code)
    types = {t.code: t for t in RequestType.objects.select_for_update().select_related("family")}
    for row in rows:
        request_type = types.get(row.code)
        previous = latest_version(request_type) if request_type else None
        data = TypeData(
            code=row.code,
            family=families[row.family_code],
            label=row.label,
            kind=row.kind,
            directorate=row.directorate,
            deadline_amount=row.deadline_amount,
            deadline_unit=row.deadline_unit,
            priority=row.priority,
            keywords=row.keywords,
            phone_only=row.phone_only,
            anonymous_allowed=row.anonymous_allowed,
            # a sheet without these columns (or an empty cell) keeps what the type says
            public_channel=_kept(row.public_channel, previous, "public_channel"),
            publishable=_kept(row.publishable, previous, "publishable"),
            questions=row.questions,
        )
        try:
            data.validate()
        except ValidationError as exc:
            raise ValidationError(
                f"{_('line %(line)s') % {'line': row.line}}: {'; '.join(exc.messages)}"
            ) from exc
        if request_type is None or previous is None:
            publish_version(data, **publish)
            (report.created if request_type is None else report.new_versions).append(row.code)
            request_type = RequestType.objects.get(code=row.code)
        elif version_differs(previous, data):
            report.changes[row.code] = changed_fields(previous, data)
            publish_version(data, **publish)
            report.new_versions.append(row.code)
        else:
            report.unchanged.append(row.code)
        if request_type.active != row.active:
            request_type.active = row.active
            request_type.save(update_fields=["active"])
            if row.code not in report.created:
                (report.reactivated if row.active else report.deactivated).append(row.code)


def changed_fields(version: RequestTypeVersion, data: TypeData) -> list[str]:
    """Verbose names of what ``data`` changes compared with ``version``."""
    from catalogue.services import VERSIONED_FIELDS

    values = data.version_values()
    names = [
        str(RequestTypeVersion._meta.get_field(name).verbose_name)
        for name in VERSIONED_FIELDS
        if getattr(version, f"{name}_id", getattr(version, name, None))
        != getattr(values[name], "pk", values[name])
    ]
    if version.request_type.family_id != data.family.pk:
        names.append(str(_("family")))
    return names
