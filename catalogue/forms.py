"""Administrators' forms: publish a version, create a type, import a file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalogue.models import Family, Kind, Priority, RequestTypeVersion, Unit
from catalogue.services import (
    CODE_MAX,
    CODE_PATTERN,
    DEADLINE_MAX,
    LABEL_MAX,
    TypeData,
    effective_moment,
    version_differs,
)
from core.forms import SHORT_TEXT, BoundedDateField, StyledFormMixin
from organisations.models import Directorate

REQUIRED_WORDS = {"obligatoire", "required", "oui", "yes", "1", "true"}
MAX_UPLOAD = 5 * 1024 * 1024


class DirectorateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Directorate) -> str:
        return f"{obj.body.short_name} · {obj.name}"


def questions_to_text(questions: list[dict[str, Any]]) -> str:
    lines = []
    for question in questions or []:
        required = " | obligatoire" if question.get("required") else ""
        lines.append(f"{question.get('key', '')} | {question.get('label', '')}{required}")
    return "\n".join(lines)


def text_to_questions(text: str) -> list[dict[str, Any]]:
    questions: list[dict[str, Any]] = []
    keys: set[str] = set()
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) < 2 or not parts[0] or not parts[1] or len(parts) > 3:
            raise ValidationError(
                _("Line %(number)s: write “key | label” or “key | label | obligatoire”."),
                params={"number": number},
            )
        if parts[0] in keys:
            raise ValidationError(_("Line %(number)s: this key is already used."), params={"number": number})
        keys.add(parts[0])
        required = len(parts) == 3 and parts[2].lower() in REQUIRED_WORDS
        questions.append({"key": parts[0], "label": parts[1], "required": required})
    return questions


class VersionForm(StyledFormMixin, forms.Form):
    """Everything a version says, plus when it takes effect and why."""

    family = forms.ModelChoiceField(label=_("Family"), queryset=Family.objects.all())
    label = forms.CharField(label=_("Label"), max_length=LABEL_MAX)
    keywords = forms.CharField(
        label=_("Keywords and synonyms"),
        required=False,
        max_length=SHORT_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Words callers use, separated by spaces (accents do not matter)."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    directorate = DirectorateChoiceField(
        label=_("Directorate (and its cell)"),
        queryset=Directorate.objects.select_related("body").order_by("body__short_name", "name"),
    )
    deadline_amount = forms.IntegerField(
        label=_("Deadline"), min_value=1, max_value=max(DEADLINE_MAX.values())
    )
    deadline_unit = forms.ChoiceField(label=_("Deadline unit"), choices=Unit.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    phone_only = forms.BooleanField(label=_("Phone only (urgent cases)"), required=False)
    anonymous_allowed = forms.BooleanField(label=_("Anonymous requests allowed"), required=False)
    public_channel = forms.BooleanField(label=_("Open to the public channel (web, Open311)"), required=False)
    publishable = forms.BooleanField(
        label=_("Description and photos publishable (after a check on each fiche)"), required=False
    )
    questions = forms.CharField(
        label=_("Extra questions"),
        required=False,
        max_length=SHORT_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line: key | question | obligatoire (optional). Example: lamp | Numéro du lampadaire"
        ),
    )
    effective_date = BoundedDateField(
        label=_("Effective from"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Today takes effect immediately; a later date at midnight that day."),
    )
    reason = forms.CharField(label=_("Reason for the change"), max_length=300)

    def __init__(self, *args: Any, previous: RequestTypeVersion | None = None, **kwargs: Any) -> None:
        self.previous = previous
        super().__init__(*args, **kwargs)
        self.fields["effective_date"].initial = timezone.localdate()
        self.effective_from = None

    @classmethod
    def initial_from(cls, version: RequestTypeVersion) -> dict[str, Any]:
        return {
            "family": version.request_type.family_id,
            "label": version.label,
            "keywords": version.keywords,
            "kind": version.kind,
            "directorate": version.directorate_id,
            "deadline_amount": version.deadline_amount,
            "deadline_unit": version.deadline_unit,
            "priority": version.priority,
            "phone_only": version.phone_only,
            "anonymous_allowed": version.anonymous_allowed,
            "public_channel": version.public_channel,
            "publishable": version.publishable,
            "questions": questions_to_text(version.questions),
        }

    def clean_questions(self) -> list[dict[str, Any]]:
        return text_to_questions(self.cleaned_data.get("questions", ""))

    def clean_effective_date(self):
        day = self.cleaned_data["effective_date"]
        self.effective_from = effective_moment(day)
        return day

    def type_code(self) -> str:
        assert self.previous is not None
        return self.previous.request_type.code

    def type_data(self) -> TypeData:
        data = self.cleaned_data
        return TypeData(
            code=self.type_code(),
            family=data["family"],
            label=data["label"].strip(),
            kind=data["kind"],
            directorate=Directorate.objects.select_related("body", "cell").get(pk=data["directorate"].pk),
            deadline_amount=data["deadline_amount"],
            deadline_unit=data["deadline_unit"],
            priority=data["priority"],
            keywords=" ".join(data.get("keywords", "").split()),
            phone_only=data["phone_only"],
            anonymous_allowed=data["anonymous_allowed"],
            public_channel=data["public_channel"],
            publishable=data["publishable"],
            questions=data["questions"],
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            data = self.type_data()
            data.validate()
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, errors in exc.error_dict.items():
                    self.add_error(name if name in self.fields else None, errors)
            else:
                self.add_error(None, exc)
            return cleaned
        except Directorate.DoesNotExist:
            self.add_error("directorate", _("Unknown directorate."))
            return cleaned
        if self.previous is not None and not version_differs(self.previous, data):
            raise ValidationError(_("Nothing has changed compared with the current version."))
        self.data_ready = data
        return cleaned


class NewTypeForm(VersionForm):
    code = forms.RegexField(
        label=_("Code"),
        max_length=CODE_MAX,
        regex=rf"^{CODE_PATTERN.pattern}$",
        help_text=_("Short and stable, e.g. VOI-NID. Letters, digits, - and _."),
        error_messages={"invalid": _("Letters, digits, - and _ only, no spaces.")},
    )

    field_order = ["code"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].initial = _("Creation of the type")

    def clean_code(self) -> str:
        from catalogue.models import RequestType

        code = self.cleaned_data["code"].upper()
        if RequestType.objects.filter(code=code).exists():
            raise ValidationError(_("A type with this code already exists."))
        return code

    def type_code(self) -> str:
        return self.cleaned_data["code"]


class ImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=_("File (XLSX or CSV)"),
        help_text=_("Same columns as the export. CSV: UTF-8, separated by ; or ,."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    effective_date = BoundedDateField(
        label=_("Effective from"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(label=_("Reason for the change"), max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["effective_date"].initial = timezone.localdate()
        self.effective_from = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise ValidationError(_("Use an .xlsx or .csv file."))
        if upload.size > MAX_UPLOAD:
            raise ValidationError(_("The file is larger than 5 MB."))
        return upload

    def clean_effective_date(self):
        day = self.cleaned_data["effective_date"]
        self.effective_from = effective_moment(day)
        return day


class ListFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "aria-describedby": "search-help"}),
    )
    family = forms.ModelChoiceField(label=_("Family"), queryset=Family.objects.all(), required=False)
    body = forms.ModelChoiceField(label=_("Competent body"), queryset=None, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All kinds")), *Kind.choices], required=False)
    inactive = forms.BooleanField(label=_("Deactivated types only"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from organisations.models import Body

        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = Body.objects.order_by("name")
        self.fields["family"].empty_label = _("All families")
        self.fields["body"].empty_label = _("All bodies")
        for name, field in self.fields.items():
            css = (
                "form-check-input"
                if name == "inactive"
                else ("form-select" if isinstance(field.widget, forms.Select) else "form-control")
            )
            field.widget.attrs["class"] = css
