"""The address reference: Marseille's streets and addresses from the Base Adresse Nationale.

Fiches copy what was chosen (number, street, postal code, coordinates): a new release of the
reference replaces these tables without touching any fiche.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from places.text import WORD_LENGTH


class Street(models.Model):
    """A street (voie) or a lieu-dit of one arrondissement, with the centre of its addresses."""

    class Kind(models.TextChoices):
        STREET = "street", _("street")
        LOCALITY = "locality", _("lieu-dit")

    insee_code = models.CharField(_("INSEE code"), max_length=5)
    postal_code = models.CharField(_("postal code"), max_length=5)
    arrondissement = models.PositiveSmallIntegerField(_("arrondissement"), null=True, blank=True)
    name = models.CharField(_("name"), max_length=200)
    key = models.CharField(max_length=200, editable=False)
    word_count = models.PositiveSmallIntegerField(default=0, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.STREET)
    quartier = models.CharField(_("quartier"), max_length=80, blank=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))

    class Meta:
        verbose_name = _("street")
        verbose_name_plural = _("streets")
        constraints = [
            models.UniqueConstraint(fields=["insee_code", "kind", "key"], name="street_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.postal_code})"


class StreetWord(models.Model):
    """One search word of a street's name: a query word matches when it is a prefix of it."""

    street = models.ForeignKey(Street, on_delete=models.CASCADE, related_name="words")
    word = models.CharField(max_length=WORD_LENGTH)

    class Meta:
        indexes = [models.Index(fields=["word", "street"], name="street_word")]

    def __str__(self) -> str:
        return self.word


class Address(models.Model):
    street = models.ForeignKey(Street, on_delete=models.CASCADE, related_name="addresses")
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    repetition = models.CharField(_("repetition"), max_length=10, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=5)
    lieu_dit = models.CharField(_("lieu-dit"), max_length=120, blank=True)
    quartier = models.CharField(_("quartier"), max_length=80, blank=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    ban_id = models.CharField(_("BAN identifier"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        indexes = [
            models.Index(fields=["street", "number"], name="address_street_number"),
            models.Index(fields=["latitude", "longitude"], name="address_point"),
        ]

    def __str__(self) -> str:
        number = f"{self.number}{' ' + self.repetition if self.repetition else ''} " if self.number else ""
        return f"{number}{self.street.name}, {self.postal_code}"


class ImportRun(models.Model):
    """One release of the reference loaded by `manage.py import_addresses`."""

    file_name = models.CharField(_("file"), max_length=255)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    lines = models.PositiveIntegerField(_("lines read"), default=0)
    addresses = models.PositiveIntegerField(_("addresses"), default=0)
    streets = models.PositiveIntegerField(_("streets"), default=0)
    outside = models.PositiveIntegerField(_("lines outside Marseille"), default=0)
    bad_lines = models.PositiveIntegerField(_("bad lines"), default=0)

    class Meta:
        verbose_name = _("address import")
        verbose_name_plural = _("address imports")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.addresses})"
