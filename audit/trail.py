"""The field-level history (django-auditlog) of personal data and of the settings that
matter. Personal fields are masked by a constant (not even their length is kept), and the
history names a tracked object by its kind and number, never by ``str()`` (a requester's
name). Other apps add their models with ``audit.track`` in their ``AppConfig.ready``."""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.db.models.signals import pre_save
from django.utils.text import capfirst

MASK = "•••"

# Models whose history must not name the object by its text: label_lower values.
_PERSONAL_MODELS: set[str] = set()


def mask(value: Any) -> str:
    """AUDITLOG_MASK_CALLABLE: a personal value becomes the same constant, whatever it was."""
    return MASK


def track(
    model: Any,
    *,
    personal: tuple[str, ...] = (),
    only: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
    named: bool | None = None,
) -> None:
    """Register ``model``. ``named``: the history may show ``str(obj)`` (by default only when
    no field is personal; a fiche is named by its reference)."""
    if auditlog.contains(model):
        return
    auditlog.register(
        model,
        include_fields=list(only) or None,
        exclude_fields=list(exclude) or None,
        mask_fields=list(personal),
    )
    if not (named if named is not None else not personal):
        _PERSONAL_MODELS.add(model._meta.label_lower)


def _neutral_repr(sender: type[LogEntry], instance: LogEntry, **kwargs: Any) -> None:
    """A history entry of a personal model names it by kind and number only."""
    model = instance.content_type.model_class()
    if model is not None and model._meta.label_lower in _PERSONAL_MODELS:
        instance.object_repr = f"{capfirst(model._meta.verbose_name)} n° {instance.object_pk}"


def register_project_models() -> None:
    """The project's own models: personal data of callers, where the fiche locates a
    problem (possibly a home), and the settings that change what people may see or do."""
    requester = apps.get_model("fiches", "Requester")
    track(
        requester,
        personal=("civility", "last_name", "first_name", "phone", "email", "address", "postal_code", "city"),
        exclude=("phone_digits", "search_name"),
    )
    track(
        apps.get_model("fiches", "Fiche"),
        only=("requester", "street_number", "street_name", "latitude", "longitude"),
        personal=("street_number", "street_name", "latitude", "longitude"),
        named=True,
    )
    for label in ("catalogue.Family", "catalogue.RequestType", "catalogue.RequestTypeVersion"):
        track(apps.get_model(label))
    track(apps.get_model("organisations", "Membership"))
    track(
        apps.get_model("auth", "User"),
        only=("username", "first_name", "last_name", "email", "is_active", "is_staff", "is_superuser"),
    )
    pre_save.connect(_neutral_repr, sender=LogEntry, dispatch_uid="audit_neutral_repr")
