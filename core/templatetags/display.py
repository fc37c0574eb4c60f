"""Fast display filters and tags for long lists and every page's menu (Django's |date is slow
when called 100 times a page, ``{% url %}`` reverses its address at each use)."""

from collections.abc import Callable, Hashable, Iterable
from datetime import date, datetime
from weakref import WeakKeyDictionary

from django import template
from django.forms import BoundField, MultiWidget
from django.template.base import FilterExpression, Parser, Token
from django.template.defaulttags import querystring
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.choices import CallableChoiceIterator
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from core import urls
from core.dates import french_date, french_datetime
from core.forms import choices_key, html_text, options_html

register = template.Library()


@register.filter
def local_datetime(value: datetime | None) -> str:
    """dd/mm/yyyy hh:mm in the current time zone (Europe/Paris)."""
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


@register.filter
def local_date(value: datetime | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return value.strftime("%d/%m/%Y")


@register.filter
def long_date(value) -> str:
    """« 31 mars 2026 » (dates, datetimes in Paris time, ISO texts of the JSON snapshots)."""
    return french_date(value)


@register.filter
def long_datetime(value) -> str:
    """« 31 mars 2026, 10 h 00 » in Paris time."""
    return french_datetime(value)


@register.simple_tag
def select_options(choices: Iterable[tuple[str, str]], selected: object = None) -> str:
    """The ``<option>`` elements of (value, text) pairs, ``selected`` chosen
    (``core.forms.options_html``, as the forms' selects): a long list (the nomenclature's 220
    types) costs a tenth of the template loop writing it."""
    return options_html(choices, {"" if selected is None else str(selected)})


# The fields left empty of the forms that say their HTML is then fixed (``unfilled_fields_fixed``),
# written once per form class, language and choices: a list's filters are mostly left empty,
# and writing them again was a fifth of a search that finds nothing.
_UNFILLED: dict[tuple, SafeString] = {}
UNFILLED_KEPT = 1024


def _unfilled_key(field: BoundField, tag: str, wrapper_class: str = "") -> tuple | None:
    """What an empty field's HTML depends on, or None if it must be written: a form that does
    not say ``unfilled_fields_fixed`` (its fields' HTML depends on its class, the language
    and its fields' choices alone, choices given as a callable never change), a value given
    or initial, an error, a widget that reads several names."""
    form = field.form
    if (
        not getattr(form, "unfilled_fields_fixed", False)
        or form.initial
        or field.html_name in form.data
        or isinstance(field.field.widget, MultiWidget)
        or field.errors
    ):
        return None
    choices = getattr(field.field, "choices", None)
    if isinstance(choices, CallableChoiceIterator):
        choices = choices.func  # fixed: the same callable, the same choices
    elif choices is not None:
        choices = choices_key(choices)  # as this form was given them (names from the database)
    return (
        tag, type(form), form.is_bound, form.use_required_attribute, field.html_name, field.auto_id,
        wrapper_class, get_language(), choices,
    )  # fmt: skip


def _kept(store: dict, key: Hashable | None, write: Callable[[], SafeString], size: int) -> SafeString:
    """``write()``'s HTML kept in ``store`` under ``key`` (written each time if None); past
    ``size`` keys the store is emptied and filled again as they come."""
    if key is None:
        return write()
    html = store.get(key)
    if html is None:
        if len(store) >= size:
            store.clear()
        html = store[key] = write()
    return html


@register.simple_tag
def form_field(field: BoundField, wrapper_class: str = "") -> SafeString:
    """A form field in its wrapper: its label (a star if required), the control, the help
    text and the errors (``core/field.html``, which every form includes). Written here: the
    same markup through the template engine cost a list page a tenth of its time. An empty
    field of a form whose empty fields are fixed is written once (``_unfilled_key``)."""
    key = _unfilled_key(field, "field", wrapper_class)
    return _kept(_UNFILLED, key, lambda: _field_html(field, wrapper_class), UNFILLED_KEPT)


def _field_html(field: BoundField, wrapper_class: str) -> SafeString:
    escape = html_text
    label_for = escape(field.id_for_label)
    if field.widget_type == "checkbox":
        control = (
            f'<div class="form-check">{field} <label class="form-check-label" for="{label_for}">'
            f"{escape(field.label)}</label></div>"
        )
    else:
        star = ' <span aria-hidden="true">*</span>' if field.field.required else ""
        control = (
            f'<label class="form-label" for="{label_for}">{escape(field.label)}{star}</label>\n  {field}'
        )
    parts = [f'<div class="mb-2 {escape(wrapper_class)}">\n  \n  {control}\n  \n  ']
    if field.help_text:
        parts.append(
            f'<div class="form-text" id="{escape(field.auto_id)}_helptext">{escape(field.help_text)}</div>'
        )
    parts.append("\n  ")
    if errors := field.errors:
        items = "".join(f"<li>{escape(error)}</li>" for error in errors)
        parts.append(f'<ul class="errorlist" id="{escape(field.auto_id)}_error">{items}</ul>')
    parts.append("\n</div>")
    return SafeString("".join(parts))


@register.simple_tag
def form_choices(field: BoundField) -> SafeString:
    """A multiple-choice field's boxes, each before its label in a form-check (the list's
    statuses), written here rather than by a template loop (once when empty, as ``form_field``)."""
    return _kept(_UNFILLED, _unfilled_key(field, "choices"), lambda: _choices_html(field), UNFILLED_KEPT)


def _choices_html(field: BoundField) -> SafeString:
    escape = html_text
    return SafeString(
        "".join(
            f'<div class="form-check">{choice.tag()}<label class="form-check-label" '
            f'for="{escape(choice.id_for_label)}">{escape(choice.choice_label)}</label></div>'
            for choice in field
        )
    )


# The menu's items and search box written once per URL configuration, script prefix, language
# and current application (``core.urls.in_force``), and what decides them: the user's scope,
# staff status and follow-up items. Written on each page, they took a fifth of the time of a
# page with nothing else.
_MENUS: urls.Store = WeakKeyDictionary()
MENUS_KEPT = 1024


@register.simple_tag(takes_context=True)
def main_menu(context: template.Context) -> SafeString:
    """The main menu's items and the reference search box (``core/_menu.html``, which reads
    only ``scope``, ``is_staff`` and ``followup_nav``)."""
    scope, is_staff = context.get("scope"), bool(getattr(context.get("user"), "is_staff", False))
    nav = tuple(context.get("followup_nav") or ())
    key = (scope, is_staff, tuple((item["url"], str(item["label"])) for item in nav))

    def write() -> SafeString:
        values = {"scope": scope, "is_staff": is_staff, "followup_nav": nav}
        return SafeString(
            render_to_string("core/_menu.html", values, request=getattr(context, "request", None))
        )

    return _kept(urls.in_force(_MENUS, _current_app(context)), key, write, MENUS_KEPT)


class FixedURLNode(template.Node):
    child_nodelists = ()

    def __init__(self, view_name: str, asvar: str | None) -> None:
        self.view_name = view_name
        self.asvar = asvar

    def render(self, context: template.Context) -> str:
        # the addresses in force, looked up once per template rendered (a page and its base)
        in_force = context.render_context.get(FixedURLNode)
        if in_force is None:
            current_app = _current_app(context)
            in_force = context.render_context[FixedURLNode] = (current_app, urls.fixed_addresses(current_app))
        current_app, addresses = in_force
        url = urls.fixed_url(self.view_name, current_app=current_app, addresses=addresses)
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


def _current_app(context: template.Context) -> str | None:
    """The current application as ``{% url %}`` takes it from the request."""
    request = getattr(context, "request", None)
    current_app = getattr(request, "current_app", None)
    if current_app is None and request is not None:
        current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
    return current_app


@register.tag("fixed_url")
def fixed_url_tag(parser: Parser, token: Token) -> FixedURLNode:
    """``{% fixed_url 'fiches:list' %}`` (or ``… as list_url``): ``{% url %}`` for a page taking
    no argument, its address reversed once per URL configuration, script prefix and language
    (``core.urls.fixed_url``) instead of at each use. The language and prefix are read at the
    template's first one: inside ``{% language %}``, use ``{% url %}``."""
    bits = token.split_contents()
    asvar = None
    if len(bits) == 4 and bits[2] == "as":
        asvar = bits[3]
        bits = bits[:2]
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"'{bits[0]}' takes one view name (and 'as name'), no argument")
    view_name = FilterExpression(bits[1], parser)
    if view_name.filters or not isinstance(view_name.var, str):
        raise template.TemplateSyntaxError(f"'{bits[0]}' takes a view name in quotes")
    return FixedURLNode(view_name.var, asvar)


@register.simple_tag(takes_context=True)
def page_link(context: template.Context, param: str, number: int) -> str:
    """The page's query string with ``param`` (a list's page number) set to ``number``, the
    other parameters kept (another list's page on the same page): ``core/_pager.html``."""
    return querystring(context, **{param: number})
