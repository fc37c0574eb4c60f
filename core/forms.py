"""Form helpers shared by every app: Bootstrap classes and accessible error wiring."""

import functools
import html

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import SafeData, SafeString
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


Choices = tuple[tuple[str, object], ...]


def choices_key(choices) -> Choices:
    """A select's choices as its options' text, as Django's ``optgroups`` reads them: a value
    None at the top level is "", labels as shown (translated now), a safe label flagged."""

    def option(value, label) -> tuple[str, str, bool]:
        return str(value), str(label), isinstance(label, SafeData)

    return tuple(
        ("" if value is None else str(value), tuple(option(*sub) for sub in label))
        if isinstance(label, list | tuple)
        else option("" if value is None else value, label)
        for value, label in choices
    )


@functools.lru_cache(maxsize=256)
def _options_html(key: Choices) -> tuple[tuple[SafeString | None, tuple[tuple[str, str, str], ...]], ...]:
    """Each option written once, unselected and selected, per set of choices and their labels
    (hence per language): a list page writes the same options on every request. The key is
    the options' text, so a renamed body or family is a new key, never a stale option."""

    def written(value: str, label: str, safe: bool) -> tuple[str, str, str]:
        text = label if safe else escape(label)
        return (
            value,
            f'<option value="{escape(value)}">{text}</option>',
            f'<option value="{escape(value)}" selected>{text}</option>',
        )

    return tuple(
        (escape(entry[0]), tuple(written(*sub) for sub in entry[1]))
        if isinstance(entry[1], tuple)
        else (None, (written(*entry),))
        for entry in key
    )


class FastSelectMixin:
    """Renders a select in Python: Django's template per option costs milliseconds per
    list page, which shows in the list pages' benchmark. Same HTML, same attributes; the
    options written by ``options_html``."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        context = forms.Widget.get_context(self, name, value, attrs)["widget"]  # type: ignore[arg-type]
        several = self.allow_multiple_selected  # type: ignore[attr-defined]
        if several:
            context["attrs"]["multiple"] = True
        options = options_html(self.choices, set(context["value"]), several=several)  # type: ignore[attr-defined]
        attrs = flatatt(context["attrs"])
        return format_html('<select name="{}"{}>{}</select>', context["name"], attrs, options)


def options_html(choices, chosen: set[str], *, several: bool = False) -> SafeString:
    """A select's ``<option>`` elements (and ``<optgroup>``), as Django's select writes them:
    the options whose value is in ``chosen`` selected (the first only unless ``several``).
    Each set of options is written once (``_options_html``), only the selected ones chosen
    here: for the selects of forms (``FastSelectMixin``) and of templates (the
    ``select_options`` tag)."""
    found, parts = False, []
    for group, options in _options_html(choices_key(choices)):
        written = []
        for option_value, plain, selected in options:
            if (several or not found) and option_value in chosen:
                written.append(selected)
                found = True
            else:
                written.append(plain)
        joined = "".join(written)
        parts.append(f'<optgroup label="{group}">{joined}</optgroup>' if group else joined)
    return SafeString("".join(parts))


def html_text(value: object) -> str:
    """A value as HTML text: ``conditional_escape`` (the value's own HTML if it has some, else
    its text escaped) without Django's check of every argument for a lazy text, a third of
    the cost of the few hundred values a list page escapes."""
    if type(value) is str:
        return html.escape(value)
    own = getattr(value, "__html__", None)
    return own() if own is not None else html.escape(str(value))


def _input_html(widget: dict) -> SafeString:
    """An ``<input>`` as Django's ``widgets/input.html`` writes it from a widget's context:
    its value first, then its attributes in their order (``flatatt`` would sort them), a
    true one bare, a false or None one left out. Escaped as ``format_html`` would, without
    its calls per attribute (eleven status boxes and a dozen fields on every list page)."""
    attributes = (
        {"value": widget["value"], **widget["attrs"]} if widget["value"] is not None else widget["attrs"]
    )
    written = "".join(
        f" {html_text(name)}" if value is True else f' {html_text(name)}="{html_text(value)}"'
        for name, value in attributes.items()
        if value is not False and value is not None
    )
    kind, name = html_text(widget["type"]), html_text(widget["name"])
    return SafeString(f'<input type="{kind}" name="{name}"{written}>')


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
                # the error list's id as form_field writes it (the form's prefix and auto_id)
                attrs["aria-describedby"] = f"{self[name].auto_id}_error"  # type: ignore[index]


# The inputs' fast classes keep their widget's name: a bound field's widget_type, which the
# templates test ("checkbox": core/field.html), is read from the class's name.
FAST_WIDGETS = {
    forms.Select: FastSelect,
    forms.SelectMultiple: FastSelectMultiple,
    **{
        widget: type(widget.__name__, (FastInputMixin, widget), {"__qualname__": f"Fast{widget.__name__}"})
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
