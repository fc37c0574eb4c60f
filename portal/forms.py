from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import SHORT_TEXT, BoundedDateField, StyledFormMixin


class TrackForm(StyledFormMixin, forms.Form):
    reference = forms.CharField(
        label=_("Reference of your request"),
        max_length=30,
        help_text=_("As given by Allô Mairie, for example AM-2026-000123."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    contact = forms.CharField(
        label=_(
            "E-mail address or phone number given with your request, or the tracking code of your letter"
        ),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "email"}),
    )


SCORES = [
    ("5", _("5 – Very satisfied")),
    ("4", _("4 – Satisfied")),
    ("3", _("3 – Neither satisfied nor dissatisfied")),
    ("2", _("2 – Dissatisfied")),
    ("1", _("1 – Very dissatisfied")),
]


class SatisfactionPeriodForm(StyledFormMixin, forms.Form):
    """The answers' period on the satisfaction page: the last twelve months by default."""

    since = BoundedDateField(
        label=_("Answered from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = BoundedDateField(
        label=_("Answered until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("The start of the period is after its end."), code="reversed")
        return data


class SurveyForm(forms.Form):
    score = forms.ChoiceField(
        label=_("How satisfied are you with how your request was handled?"),
        choices=SCORES,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=SHORT_TEXT,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
        help_text=_("Please do not write personal information here."),
    )


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    widget = MultiplePhotoInput

    def clean(self, data, initial=None):
        single = super().clean
        files = [single(item, initial) for item in data if item] if isinstance(data, list | tuple) else []
        if data and not isinstance(data, list | tuple):
            files = [single(data, initial)]
        if len(files) > 3:
            raise forms.ValidationError(_("Three photos at most."))
        return files


class ReportForm(StyledFormMixin, forms.Form):
    request_type = forms.ChoiceField(label=_("What is the problem?"), choices=())
    description = forms.CharField(
        label=_("Describe it"),
        max_length=SHORT_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What you saw, and anything that helps find it (in front of which shop, which lamp post…)."
        ),
    )
    street_number = forms.CharField(label=_("Number"), required=False, max_length=12)
    street_name = forms.CharField(
        label=_("Street"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    postal_code = forms.CharField(
        label=_("Postal code"),
        max_length=5,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    # The address picked in the type-ahead (places): the fiche gets its point and is "verified".
    address_id = forms.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput
    )
    photos = MultiplePhotoField(
        label=_("Photos (up to 3, optional)"),
        required=False,
        widget=MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png"}),
        help_text=_("JPEG or PNG."),
    )
    use_photo_location = forms.BooleanField(
        label=_("Use the location recorded in my photo"),
        required=False,
        help_text=_("Otherwise the photo's location and every other hidden detail are removed."),
    )
    last_name = forms.CharField(
        label=_("Your last name"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    first_name = forms.CharField(
        label=_("Your first name"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Your mobile phone"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text=_("Only if you want the answer by SMS."),
    )
    preferred_channel = forms.ChoiceField(
        label=_("How do you want to be told the outcome?"),
        choices=[("email", _("By e-mail")), ("sms", _("By SMS"))],
        initial="email",
        widget=forms.RadioSelect,
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the City of Marseille and the competent body use these details to handle my "
            "request."
        ),
    )
    # A field people do not see: robots fill it in.
    website = forms.CharField(required=False, max_length=200, label=_("Leave this field empty"))

    def __init__(self, *args, type_choices: list | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["request_type"].choices = [("", _("Choose…")), *(type_choices or [])]
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean_postal_code(self) -> str:
        from fiches.geography import place_for_postal_code

        value = self.cleaned_data["postal_code"].strip()
        if place_for_postal_code(value) is None:
            raise forms.ValidationError(_("Enter a Marseille postal code, 13001 to 13016."))
        return value

    def clean_phone(self) -> str:
        from fiches.models import digits_of

        value = self.cleaned_data["phone"].strip()
        digits = digits_of(value)
        if value and not (len(digits) == 10 and digits[:2] in {"06", "07"}):
            raise forms.ValidationError(_("Enter a French mobile number (06 or 07), for the SMS."))
        return value

    def clean(self) -> dict:
        data = super().clean()
        channel = data.get("preferred_channel")
        if channel == "email" and not data.get("email") and "email" not in self.errors:
            self.add_error("email", _("Enter your e-mail address to receive the answer by e-mail."))
        if channel == "sms" and not data.get("phone") and "phone" not in self.errors:
            self.add_error("phone", _("Enter your mobile number to receive the answer by SMS."))
        if not data.get("street_name") and not data.get("use_photo_location"):
            self.add_error("street_name", _("Give the street, or a photo with its location."))
        return data
