"""Public bodies, their directorates and cells, and the staff who work for them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from worktime import WorkCalendar


class Body(models.Model):
    class Kind(models.TextChoices):
        OPERATOR = "operator", _("Operator (runs the call centre)")
        PARTNER = "partner", _("Partner body")

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    logo = models.FileField(
        _("logo"),
        upload_to="logos/",
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg", "svg"])],
    )
    signatory_name = models.CharField(_("signatory's name"), max_length=200, blank=True)
    signatory_title = models.CharField(_("signatory's title"), max_length=200, blank=True)
    address = models.TextField(_("postal address"), blank=True)
    working_weekdays = models.CharField(
        _("working weekdays"),
        max_length=13,
        default="0,1,2,3,4",
        help_text=_("Comma-separated weekday numbers, Monday = 0."),
    )
    holiday_subdivision = models.CharField(
        _("holiday subdivision"),
        max_length=10,
        blank=True,
        help_text=_("Leave empty for mainland France; 57, 67, 68 add Alsace-Moselle holidays."),
    )

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(kind="operator"),
                name="single_operator_body",
            )
        ]

    def __str__(self) -> str:
        return self.short_name

    def clean(self) -> None:
        try:
            self.weekday_set()
        except ValueError as exc:
            raise ValidationError({"working_weekdays": _("Use numbers 0 to 6 separated by commas.")}) from exc

    @property
    def is_operator(self) -> bool:
        return self.kind == self.Kind.OPERATOR

    def weekday_set(self) -> frozenset[int]:
        days = frozenset(int(part) for part in self.working_weekdays.split(",") if part.strip())
        if not days or not days <= set(range(7)):
            raise ValueError("weekdays must be within 0..6")
        return days

    def calendar(self) -> WorkCalendar:
        """The body's working calendar (weekdays, French holidays, its own closed days)."""
        closed = frozenset(self.closed_days.values_list("day", flat=True))
        return WorkCalendar(
            weekdays=self.weekday_set(),
            closed_days=closed,
            subdivision=self.holiday_subdivision or None,
        )


class ClosedDay(models.Model):
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="closed_days")
    day = models.DateField(_("day"))
    label = models.CharField(_("label"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["body", "day"], name="unique_closed_day")]

    def __str__(self) -> str:
        return f"{self.body} {self.day:%d/%m/%Y}"


class Directorate(models.Model):
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="directorates")
    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("directorate")
        verbose_name_plural = _("directorates")
        ordering = ["body__kind", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.body})"


class Cell(models.Model):
    """The directorate's single correspondent (cellule Allô Mairie)."""

    directorate = models.OneToOneField(Directorate, on_delete=models.PROTECT, related_name="cell")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("contact e-mail"))
    phone = models.CharField(_("contact phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("cell")
        verbose_name_plural = _("cells")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def body(self) -> Body:
        return self.directorate.body


class Role(models.TextChoices):
    AGENT = "agent", _("Call-centre agent")
    SUPERVISOR = "supervisor", _("Call-centre supervisor")
    CORRESPONDENT = "correspondent", _("Cell correspondent")
    MANAGER = "manager", _("Directorate manager")
    ADMINISTRATOR = "administrator", _("Administrator")
    COMMITTEE = "committee", _("Committee member")
    FINANCE = "finance", _("Finance officer")


CALL_CENTRE_ROLES = frozenset({Role.AGENT, Role.SUPERVISOR, Role.ADMINISTRATOR})


class Membership(models.Model):
    """A staff member's role, scoped to a body, one of its directorates, or one cell."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="memberships")
    directorate = models.ForeignKey(
        Directorate, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    cell = models.ForeignKey(
        Cell, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "body", "directorate", "cell"], name="unique_membership"
            )
        ]

    def __str__(self) -> str:
        scope = self.cell or self.directorate or self.body
        return f"{self.user} · {self.get_role_display()} · {scope}"

    def clean(self) -> None:
        if self.cell_id and self.directorate_id is None:
            self.directorate = self.cell.directorate
        if self.directorate_id and self.directorate.body_id != self.body_id:
            raise ValidationError(_("The directorate must belong to the body."))
        if self.cell_id and self.cell.directorate_id != self.directorate_id:
            raise ValidationError(_("The cell must belong to the directorate."))
        if self.role in CALL_CENTRE_ROLES and not self.body.is_operator:
            raise ValidationError(_("Call-centre roles belong to the operator body."))
        if self.role == Role.CORRESPONDENT and not self.cell_id:
            raise ValidationError(_("A cell correspondent must be attached to a cell."))
        if self.role == Role.MANAGER and not self.directorate_id:
            raise ValidationError(_("A directorate manager must be attached to a directorate."))
