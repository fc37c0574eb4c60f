"""A sandbox for the letter templates administrators edit: Django template syntax limited
to a documented list of fields, ``{% if %}`` and a few filters. A template is checked when
it is saved (parsed, walked, rendered against a sample), never discovered broken at sending."""

from __future__ import annotations

from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import FilterExpression, Node, TextNode, VariableNode
from django.template.defaulttags import IfNode
from django.template.smartif import TokenBase
from django.utils.translation import gettext as _

# Field name -> what it holds (shown to administrators in the back office).
FIELDS: dict[str, str] = {
    "reference": "Référence de la fiche (AM-2026-000123)",
    "greeting": "Formule d'appel : « Madame », « Monsieur » ou « Madame, Monsieur »",
    "requester_name": "Nom du destinataire (civilité, prénom, nom)",
    "request_label": "Objet de la demande (rubrique de la nomenclature)",
    "location": "Lieu signalé (adresse de l'anomalie)",
    "created_on": "Date d'enregistrement de la demande",
    "due_on": "Date limite d'intervention annoncée",
    "body_name": "Collectivité compétente (après réorientation éventuelle)",
    "directorate_name": "Direction compétente",
    "previous_body_name": "Collectivité précédente (réorientation)",
    "outcome": "Réponse ou suite donnée, telle que rédigée pour l'usager",
    "public_comment": "Commentaire public de l'étape (vide pour une note interne)",
    "tracking_url": "Adresse de la page de suivi",
    "tracking_code": "Code de suivi de la fiche (avec la référence, il ouvre la page de suivi)",
    "survey_url": "Adresse du questionnaire de satisfaction (courriers de clôture)",
    "today": "Date du jour",
}
FILTERS = frozenset({"upper", "lower", "capfirst", "default", "date", "linebreaksbr", "title"})

SAMPLE: dict[str, str] = {
    "reference": "AM-2026-000123",
    "greeting": "Madame",
    "requester_name": "Mme Alice DURAND",
    "request_label": "Nid-de-poule sur la chaussée",
    "location": "12 rue Paradis, 13001 Marseille",
    "created_on": "2 mars 2026",
    "due_on": "9 mars 2026",
    "body_name": "Métropole Aix-Marseille-Provence",
    "directorate_name": "Direction de la Voirie",
    "previous_body_name": "Ville de Marseille",
    "outcome": "La chaussée a été reprise le 5 mars.",
    "public_comment": "Intervention programmée la semaine prochaine.",
    "tracking_url": "https://allo-mairie.example.org/suivre/",
    "tracking_code": "K7QM-2XHD",
    "survey_url": "https://allo-mairie.example.org/suivre/avis/xyz/",
    "today": "10 mars 2026",
}

HTML_ENGINE = Engine(autoescape=True)
TEXT_ENGINE = Engine(autoescape=False)


class TemplateRefused(ValueError):
    """The template uses something outside the documented fields, tags or filters."""


def _check_expression(expression: FilterExpression) -> None:
    var = expression.var
    lookups = getattr(var, "lookups", None)
    if lookups is not None and (len(lookups) != 1 or lookups[0] not in FIELDS):  # a variable
        raise TemplateRefused(_("Unknown field “%(name)s”.") % {"name": ".".join(lookups)})
    for func, _args in expression.filters:
        name = getattr(func, "_filter_name", None) or func.__name__
        if name not in FILTERS:
            raise TemplateRefused(_("Filter “%(name)s” is not allowed.") % {"name": name})


def _check_condition(condition: TokenBase | None) -> None:
    if condition is None:
        return
    value = getattr(condition, "value", None)
    if isinstance(value, FilterExpression):
        _check_expression(value)
    for side in ("first", "second"):
        child = getattr(condition, side, None)
        if isinstance(child, TokenBase):
            _check_condition(child)


def _check_nodes(nodes: list[Node]) -> None:
    for node in nodes:
        if isinstance(node, TextNode):
            continue
        if isinstance(node, VariableNode):
            _check_expression(node.filter_expression)
        elif isinstance(node, IfNode):
            for condition, nodelist in node.conditions_nodelists:
                _check_condition(condition)
                _check_nodes(nodelist)
        else:
            token = getattr(node, "token", None)
            name = token.contents.split()[0] if token is not None else type(node).__name__
            raise TemplateRefused(_("Tag “%(name)s” is not allowed.") % {"name": name})


def validate(source: str) -> None:
    """Raise TemplateRefused with a readable message when ``source`` may not be used."""
    try:
        template = TEXT_ENGINE.from_string(source)
    except TemplateSyntaxError as exc:
        raise TemplateRefused(_("Template syntax error: %(error)s") % {"error": exc}) from exc
    _check_nodes(list(template.nodelist))
    try:
        template.render(Context(SAMPLE, autoescape=False))
        HTML_ENGINE.from_string(source).render(Context(SAMPLE))
    except Exception as exc:  # noqa: BLE001 - any failure is reported to the administrator
        raise TemplateRefused(_("The template does not render: %(error)s") % {"error": exc}) from exc


def render(source: str, fields: dict[str, str], *, html: bool) -> str:
    """Render a validated template with only the documented fields."""
    context = {name: fields.get(name, "") for name in FIELDS}
    engine = HTML_ENGINE if html else TEXT_ENGINE
    return engine.from_string(source).render(Context(context, autoescape=html))
