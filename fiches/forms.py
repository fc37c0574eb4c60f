"""Forms of the fiche screens. They parse input; fiches.services decides."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from catalogue.models import Kind, RequestTypeVersion
from core.forms import (
    FAST_WIDGETS,
    LONG_TEXT,
    SHORT_TEXT,
    BoundedDateField,
    FastCheckboxSelectMultiple,
    IdField,
    StyledFormMixin,
    VersionField,
)
from fiches.contacts import is_french_mobile, normalise_phone, postal_address_complete
from fiches.geography import arrondissement_label, place_for_postal_code
from fiches.models import Channel, Civility, Requester, Status
from fiches.selectors import filter_choices
from fiches.services import check_upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def validate_marseille_postal_code(value: str) -> None:
    if value and place_for_postal_code(value) is None:
        raise forms.ValidationError(_("Enter a Marseille postal code, 13001 to 13016."))


def new_submission_token() -> str:
    return uuid.uuid4().hex


class IntakeForm(StyledFormMixin, forms.Form):
    # Given when the form is first shown, kept while it is corrected: one fiche per form.
    submission_token = forms.CharField(
        required=False, max_length=64, initial=new_submission_token, widget=forms.HiddenInput
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    call_id = forms.CharField(label=_("Telephone call id"), required=False, max_length=64)

    requester_id = IdField(required=False, widget=forms.HiddenInput)
    anonymous = forms.BooleanField(label=_("Anonymous request"), required=False)
    civility = forms.ChoiceField(label=_("Civility"), choices=Civility.choices, required=False)
    last_name = forms.CharField(label=_("Last name"), required=False, max_length=120)
    first_name = forms.CharField(label=_("First name"), required=False, max_length=120)
    phone = forms.CharField(
        label=_("Phone"), required=False, max_length=30, widget=forms.TextInput(attrs={"type": "tel"})
    )
    # Checked in clean(): a known caller's stored address that no longer validates is kept.
    email = forms.CharField(label=_("E-mail"), required=False, max_length=254, widget=forms.EmailInput)
    address = forms.CharField(label=_("Postal address"), required=False, max_length=250)
    requester_postal_code = forms.CharField(label=_("Postal code"), required=False, max_length=10)
    city = forms.CharField(label=_("Town"), required=False, max_length=120, initial="Marseille")
    preferred_channel = forms.ChoiceField(
        label=_("Preferred reply channel"),
        choices=Requester._meta.get_field("preferred_channel").choices,
        initial="email",
    )

    type_query = forms.CharField(
        label=_("Request type"),
        required=False,
        help_text=_("Type a few letters: label, keyword or code."),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "role": "searchbox"}),
    )
    request_type = forms.CharField(required=False, max_length=30, widget=forms.HiddenInput)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
    street_number = forms.CharField(label=_("Number"), required=False, max_length=12)
    street_name = forms.CharField(label=_("Street"), required=False, max_length=200)
    postal_code = forms.CharField(
        label=_("Postal code"),
        required=False,
        max_length=5,
        validators=[validate_marseille_postal_code],
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    quartier = forms.CharField(label=_("Quartier"), required=False, max_length=80)
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=43.1, max_value=43.45)
    longitude = forms.FloatField(label=_("Longitude"), required=False, min_value=5.2, max_value=5.6)
    # The address picked in the reference (places): the fiche's address is then "verified".
    address_id = forms.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput
    )
    outcome = forms.CharField(
        label=_("Answer given to the caller"),
        required=False,
        max_length=SHORT_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For information requests: the fiche is answered and closed at once."),
    )
    attachments = MultipleFileField(label=_("Photos or documents"), required=False)
    knowledge_query = forms.CharField(
        label=_("Search the knowledge base"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    knowledge_answer = IdField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, version: RequestTypeVersion | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.version = version
        self.question_fields: list[str] = []
        for question in version.questions if version else []:
            name = f"q_{question['key']}"
            self.fields[name] = forms.CharField(
                label=question["label"], required=bool(question.get("required")), max_length=200
            )
            self.fields[name].widget.attrs["class"] = "form-control"
            self.question_fields.append(name)

    @property
    def question_bound_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.question_fields]

    def clean(self) -> dict:
        data = super().clean()
        if self.version is None:
            self.add_error("type_query", _("Choose a request type from the list."))
        for upload in data.get("attachments") or []:
            try:
                check_upload(upload)
            except forms.ValidationError as error:
                self.add_error("attachments", error)
        self._check_email(data)
        self._check_phone(data)
        if not data.get("anonymous") or data.get("requester_id"):
            self._check_reachable(data)
        requester_chosen = data.get("requester_id") or data.get("anonymous")
        if not requester_chosen and not data.get("last_name"):
            self.add_error("last_name", _("Enter the caller's name, or tick “Anonymous request”."))
        return data

    def _check_email(self, data: dict) -> None:
        """A new or changed address must be valid. The unchanged stored address of a known
        caller that no longer validates (legacy data) never blocks the call: it is kept as is,
        flagged in ``kept_invalid_email``, and no notice is sent to it."""
        self.kept_invalid_email = ""
        email = data.get("email") or ""
        if not email:
            return
        try:
            validate_email(email)
        except forms.ValidationError as error:
            known = data.get("requester_id")
            if known and Requester.objects.filter(pk=known, email=email).exists():
                self.kept_invalid_email = email
            else:
                self.add_error("email", error)

    def _check_phone(self, data: dict) -> None:
        phone = normalise_phone(data.get("phone") or "")
        if phone is None:
            self.add_error(
                "phone",
                _(
                    "Enter a French number (10 digits, e.g. 06 12 34 56 78)"
                    " or an international one starting with +."
                ),
            )
        elif "phone" in data:
            data["phone"] = phone

    def _check_reachable(self, data: dict) -> None:
        """The preferred reply channel must be able to reach the caller. (A known caller's
        legacy e-mail address that no longer validates is kept with a warning, see above.)"""
        channel = data.get("preferred_channel")
        if channel == "email":
            if not data.get("email") and "email" not in self.errors:
                self.add_error("email", _("An e-mail reply needs the caller's e-mail address."))
        elif channel == "sms":
            if "phone" not in self.errors and not is_french_mobile(data.get("phone") or ""):
                self.add_error("phone", _("An SMS reply needs a French mobile number (06 or 07)."))
        elif channel == "letter":
            if not postal_address_complete(
                data.get("address") or "", data.get("requester_postal_code") or "", data.get("city") or ""
            ):
                self.add_error(
                    "address",
                    _("A reply by letter needs the full postal address: street, postal code and town."),
                )
        elif channel == "phone" and not data.get("phone") and "phone" not in self.errors:
            self.add_error("phone", _("A reply by phone needs the caller's phone number."))

    def answers(self) -> dict[str, str]:
        return {name[2:]: self.cleaned_data.get(name, "") for name in self.question_fields}


class ActionForm(forms.Form):
    action = forms.CharField(max_length=30)
    comment = forms.CharField(required=False, max_length=SHORT_TEXT)
    outcome = forms.CharField(required=False, max_length=SHORT_TEXT)
    public = forms.BooleanField(required=False)
    expected_version = VersionField(required=False)
    new_type = forms.CharField(required=False, max_length=30)
    original = forms.CharField(required=False, max_length=30)
    reason = forms.CharField(required=False, max_length=30)


class NoteForm(forms.Form):
    comment = forms.CharField(label=_("Note"), max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 2}))
    public = forms.BooleanField(label=_("Visible to the citizen"), required=False)
    # the fiche page writes this one field of the form: in Python, as Django's template would
    expected_version = VersionField(required=False, widget=FAST_WIDGETS[forms.HiddenInput])


class PublicationForm(forms.Form):
    publishable = forms.BooleanField(required=False)
    expected_version = VersionField(required=False, widget=forms.HiddenInput)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Photo or document"))


def _fixed(choices: list) -> Callable[[], list]:
    """Choices that never change, given as a callable: a form copies its fields from its class
    on each use, and a list of choices deeply (the list's filter form copied 40 of them)."""
    return lambda: choices


class FicheFilterForm(StyledFormMixin, forms.Form):
    # an empty field's HTML depends on the class, the language and the choices alone (the
    # fixed ones are callables, the others given to each form): written once (core display)
    unfilled_fields_fixed = True

    status = forms.MultipleChoiceField(
        label=_("Status"),
        choices=_fixed(Status.choices),
        required=False,
        widget=FastCheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    body = forms.TypedChoiceField(label=_("Body"), coerce=int, empty_value=None, required=False)
    directorate = forms.TypedChoiceField(label=_("Directorate"), coerce=int, empty_value=None, required=False)
    cell = IdField(required=False, widget=forms.HiddenInput)
    quartier = forms.CharField(required=False, max_length=80, widget=forms.HiddenInput)
    family = forms.ChoiceField(label=_("Family"), required=False)
    type = forms.CharField(label=_("Type code"), required=False, max_length=30)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=_fixed([("", _("All kinds")), *Kind.choices]), required=False
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=_fixed([("", _("All channels")), *Channel.choices]), required=False
    )
    arrondissement = forms.TypedChoiceField(
        label=_("Arrondissement"),
        choices=_fixed(
            [("", _("All arrondissements"))] + [(n, arrondissement_label(n)) for n in range(1, 17)]
        ),
        coerce=int,
        empty_value=None,
        required=False,
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    date_from = BoundedDateField(
        label=_("Created from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = BoundedDateField(
        label=_("Created until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    q = forms.CharField(label=_("Reference or street"), required=False, max_length=100)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=_fixed(
            [
                ("newest", _("Newest first")),
                ("oldest", _("Oldest first")),
                ("due", _("Due date (soonest first)")),
                ("status", _("Status")),
            ]
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = filter_choices()
        everything = {
            "body": _("All bodies"),
            "directorate": _("All directorates"),
            "family": _("All families"),
        }
        for name, label in everything.items():
            self.fields[name].choices = [("", label), *choices[name]]
