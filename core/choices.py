"""``get_FOO_display`` without re-hashing every label on each call.

Django's ``Model._get_FIELD_display`` builds ``dict(make_hashable(field.flatchoices))`` on
every call: each lazy label is hashed, so translated, every time a status is shown. A page
listing fifty fiches translated thousands of labels to show fifty (the fiche page: about
1.5 ms of its 20). Here each field's mapping is made once; the label found is translated
when shown, in the language active then, as before.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from functools import partialmethod

from django.db import models
from django.db.models.fields import Field
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


def _display(field: Field) -> Callable[[models.Model], str]:
    labels = {make_hashable(value): label for value, label in field.flatchoices}
    attname = field.attname

    def display(self: models.Model):
        value = getattr(self, attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)

    display.__name__ = f"get_{field.name}_display"
    return display


def install(model_classes: Iterable[type[models.Model]]) -> None:
    """Give each model's choice fields a ``get_FOO_display`` reading a mapping made once.
    Left alone: a model's own ``get_FOO_display`` and choices given as a callable (they may
    change while the process runs)."""
    for model in model_classes:
        for field in model._meta.fields:
            if field.choices is None or isinstance(field.choices, CallableChoiceIterator):
                continue
            name = f"get_{field.name}_display"
            if isinstance(inspect.getattr_static(model, name, None), partialmethod):
                setattr(model, name, _display(field))
