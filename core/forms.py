"""Form helpers shared by every app: Bootstrap classes and accessible error wiring."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from core.parsing import FIRST_DAY, LAST_DAY, MAX_ID, MAX_SMALL

# Maximum lengths of free text typed in forms (characters), see README "Limits".
SHORT_TEXT = 2000  # reasons, comments, answers to the citizen
LONG_TEXT = 4000  # descriptions, notes, messages


def validate_day_in_range(day) -> None:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise forms.ValidationError(
            _("Enter a date between the years %(first)s and %(last)s."),
            code="out_of_range",
            params={"first": FIRST_DAY.year, "last": LAST_DAY.year},
        )


class BoundedDateField(forms.DateField):
    """A date between FIRST_DAY and LAST_DAY (year 9999 would overflow date arithmetic)."""

    default_validators = [validate_day_in_range]


class IdField(forms.IntegerField):
    """The id of a row, as a bigint column holds it (30 digits would overflow PostgreSQL)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class VersionField(forms.IntegerField):
    """The ``lock_version`` a form was rendered with (a PostgreSQL integer)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(min_value=0, max_value=MAX_SMALL, **kwargs)


def error_messages(form: forms.Form) -> list[str]:
    """Every error of a bound form, for a page that shows them above the form."""
    return [message for errors in form.errors.values() for message in errors]


class FastSelectMixin:
    """Renders a select in Python: Django's template per option costs milliseconds per
    list page, which shows in the list pages' benchmark. Same HTML, same attributes."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        context = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        options = []
        for group_name, group_options, _index in context["optgroups"]:
            rendered = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (
                        o["value"],
                        flatatt({k: v for k, v in o["attrs"].items() if k == "selected"}),
                        o["label"],
                    )
                    for o in group_options
                ),
            )
            options.append(
                format_html('<optgroup label="{}">{}</optgroup>', group_name, rendered)
                if group_name
                else rendered
            )
        return format_html(
            '<select name="{}"{}>{}</select>',
            context["name"],
            flatatt(context["attrs"]),
            SafeString("".join(options)),
        )


def _input_html(widget: dict) -> SafeString:
    """An ``<input>`` as Django's ``widgets/input.html`` writes it from a widget's context:
    its value first, then its attributes in their order (``flatatt`` would sort them), a
    true one bare, a false or None one left out."""
    attributes = (
        {"value": widget["value"], **widget["attrs"]} if widget["value"] is not None else widget["attrs"]
    )
    return format_html(
        '<input type="{}" name="{}"{}>',
        widget["type"],
        widget["name"],
        SafeString(
            "".join(
                format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
                for name, value in attributes.items()
                if value is not False and value is not None
            )
        ),
    )


class FastInputMixin:
    """Renders an <input> in Python, like FastSelectMixin: same HTML as Django's template."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        return _input_html(self.get_context(name, value, attrs)["widget"])  # type: ignore[attr-defined]


class FastCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Checkboxes whose options a template writes one by one (``{{ choice.tag }}``): each
    option's ``<input>`` written in Python, like FastInputMixin, not by Django's form
    templates (eleven statuses on every list page). Same HTML; a label-wrapped option is
    left to Django."""

    def _render(self, template_name, context, renderer=None) -> SafeString:
        widget = context["widget"]
        if template_name != self.option_template_name or widget.get("wrap_label"):
            return super()._render(template_name, context, renderer)
        return _input_html(widget)


class FastSelect(FastSelectMixin, forms.Select):
    pass


class FastSelectMultiple(FastSelectMixin, forms.SelectMultiple):
    pass


class StyledFormMixin:
    """Adds Bootstrap classes and ``aria-invalid`` to widgets; keeps forms thin elsewhere."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if type(widget) in FAST_WIDGETS:
                widget.__class__ = FAST_WIDGETS[type(widget)]
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
                css = "form-check-input" if isinstance(widget, forms.CheckboxInput) else ""
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            if css:
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                attrs = self.fields[name].widget.attrs  # type: ignore[attr-defined]
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"id_{name}_error"


FAST_WIDGETS = {
    forms.Select: FastSelect,
    forms.SelectMultiple: FastSelectMultiple,
    **{
        widget: type(f"Fast{widget.__name__}", (FastInputMixin, widget), {})
        for widget in (
            forms.TextInput,
            forms.NumberInput,
            forms.EmailInput,
            forms.DateInput,
            forms.HiddenInput,
            forms.CheckboxInput,
        )
    },
}
