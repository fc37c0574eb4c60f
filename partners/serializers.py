"""What the partner API reads and writes. Writing goes through ``fiches.services`` only."""

from __future__ import annotations

from datetime import date

from django.core.validators import MaxValueValidator, MinValueValidator
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fiches.models import Status
from fiches.workflow import ACTIONS, CELL, REJECT_REASONS

CELL_ACTIONS = [name for name, action in ACTIONS.items() if CELL in action.actors]
MAX_TEXT = 5000


class FicheSerializer(serializers.Serializer):
    reference = serializers.CharField()
    version = serializers.IntegerField(source="lock_version", help_text="Send it back as expected_version.")
    status = serializers.ChoiceField(choices=Status.choices)
    kind = serializers.CharField()
    channel = serializers.CharField()
    priority = serializers.CharField()
    type_code = serializers.CharField(source="request_type.request_type.code")
    type_label = serializers.CharField(source="request_type.label")
    body = serializers.CharField(source="body.short_name")
    directorate = serializers.CharField(source="directorate.code")
    cell = serializers.CharField(source="cell.name")
    street_number = serializers.CharField()
    street_name = serializers.CharField()
    postal_code = serializers.CharField()
    arrondissement = serializers.IntegerField(allow_null=True)
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(allow_null=True)
    url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.URLField())
    def get_url(self, fiche) -> str:
        path = reverse("partners:fiche", args=[fiche.reference])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    action = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    comment = serializers.CharField()
    public = serializers.BooleanField(help_text="True: the citizen reads it on the tracking page.")


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="download_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.URLField())
    def get_url(self, attachment) -> str:
        path = reverse("partners:attachment", args=[attachment.fiche.reference, attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class RequesterSerializer(serializers.Serializer):
    civility = serializers.CharField()
    last_name = serializers.CharField()
    first_name = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()


class FicheDetailSerializer(FicheSerializer):
    description = serializers.CharField()
    answers = serializers.DictField()
    outcome = serializers.CharField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    requester = RequesterSerializer(
        allow_null=True, help_text="Contact details, for those acting on the fiche."
    )
    allowed_actions = serializers.ListField(child=serializers.CharField())
    events = EventSerializer(many=True)
    attachments = AttachmentSerializer(many=True)


class FichePageSerializer(serializers.Serializer):
    results = FicheSerializer(many=True)
    next = serializers.URLField(allow_null=True, help_text="The next page, or null on the last one.")


FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2999, 12, 31)


def bounded_date() -> serializers.DateField:
    return serializers.DateField(
        required=False, validators=[MinValueValidator(FIRST_DAY), MaxValueValidator(LAST_DAY)]
    )


class ListQuerySerializer(serializers.Serializer):
    status = serializers.MultipleChoiceField(choices=Status.choices, required=False)
    type = serializers.CharField(required=False, max_length=30)
    created_from = bounded_date()
    created_to = bounded_date()
    cursor = serializers.RegexField(r"^\d{1,17}_\d{1,18}$", required=False)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=200, default=50)


class ActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=CELL_ACTIONS)
    expected_version = serializers.IntegerField(min_value=0, max_value=2**31 - 1)
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=MAX_TEXT, help_text="The reason (hold, send back)."
    )
    outcome = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_TEXT,
        help_text="What the citizen will read (resolve, reject).",
    )
    reason = serializers.ChoiceField(choices=list(REJECT_REASONS), required=False, help_text="reject only.")
    original = serializers.CharField(
        required=False, max_length=20, help_text="mark_duplicate: its reference."
    )
    public = serializers.BooleanField(required=False, allow_null=True, default=None)


class NoteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=MAX_TEXT)
    public = serializers.BooleanField(default=False)
    expected_version = serializers.IntegerField(min_value=0, max_value=2**31 - 1)


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="JPEG, PNG or PDF.")


class ProblemSerializer(serializers.Serializer):
    """RFC 7807 problem details, the body of every error (application/problem+json)."""

    type = serializers.CharField(help_text="urn:allo-mairie:problem:<slug>, see docs/api.md")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(required=False, help_text="Invalid input: the messages per field.")
