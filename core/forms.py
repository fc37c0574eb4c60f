"""Form helpers shared by every app: Bootstrap classes and accessible error wiring."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


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


class FastInputMixin:
    """Renders an <input> in Python, like FastSelectMixin: same HTML as Django's template."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        value_attr = {} if widget["value"] is None else {"value": widget["value"]}
        return format_html(
            '<input type="{}" name="{}"{}>',
            widget["type"],
            widget["name"],
            flatatt({**value_attr, **widget["attrs"]}),
        )


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
