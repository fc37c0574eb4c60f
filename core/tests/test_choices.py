"""``get_FOO_display`` reads a mapping made once per field (core.choices)."""

import inspect
from functools import partialmethod

from django.apps import apps
from django.db import models
from django.utils import translation

from core import choices
from fiches.models import Event, Fiche, Status


def test_every_generated_display_of_the_project_reads_the_mapping():
    replaced = [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.fields
        if field.choices is not None and model is not Custom  # installed by its own test
    ]
    assert len(replaced) > 20
    for model, name in replaced:
        attribute = inspect.getattr_static(model, f"get_{name}_display")
        assert not isinstance(attribute, partialmethod), (model, name)


def test_the_label_follows_the_language_active_when_shown():
    fiche = Fiche(status=Status.IN_PROGRESS)
    with translation.override("fr"):
        french = fiche.get_status_display()
    with translation.override("en"):
        english = fiche.get_status_display()
    assert english == "In progress"
    assert french != english and french == "En cours"


def test_same_labels_as_django_for_every_choice_and_unknown_values():
    field = Event._meta.get_field("to_status")
    django_display = partialmethod(models.Model._get_FIELD_display, field=field)
    for value in [*(value for value, _label in field.flatchoices), "no-such-status", None]:
        event = Event(to_status=value)
        with translation.override("fr"):
            assert event.get_to_status_display() == django_display.__get__(event)()


class _Kind(models.TextChoices):
    A = "a", "first"


class Custom(models.Model):
    kind = models.CharField(max_length=1, choices=_Kind.choices)
    other = models.CharField(max_length=1, choices=_Kind.choices)

    class Meta:
        app_label = "core"
        managed = False

    def __str__(self) -> str:
        return self.kind

    def get_kind_display(self) -> str:
        return "custom"


def test_a_models_own_display_is_left_alone():
    choices.install([Custom])
    row = Custom(kind="a", other="a")
    assert row.get_kind_display() == "custom"
    assert row.get_other_display() == "first"
    assert not isinstance(Custom.__dict__["get_other_display"], partialmethod)
