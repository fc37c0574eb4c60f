"""The partner REST API (/api/v1/): thin views over ``fiches.selectors`` (the scope gate) and
``fiches.services`` (the single door for changes)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import parsers, renderers
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from fiches.models import Attachment, Event, Fiche
from fiches.selectors import LIST_RELATED, can_see_personal_data, find_fiches, keyset_page, visible_fiches
from fiches.services import add_note, allowed_actions, attach, transition
from organisations.access import scope_for
from partners.authentication import PartnerTokenAuthentication
from partners.idempotency import HEADER, replayable
from partners.problems import exception_handler
from partners.serializers import (
    ActionSerializer,
    AttachmentSerializer,
    AttachmentUploadSerializer,
    EventSerializer,
    FicheDetailSerializer,
    FichePageSerializer,
    FicheSerializer,
    ListQuerySerializer,
    NoteSerializer,
    ProblemSerializer,
)
from partners.throttling import PerTokenThrottle

PROBLEM = OpenApiResponse(ProblemSerializer, description="application/problem+json (RFC 7807)")
ERRORS = dict.fromkeys((400, 401, 403, 404, 429), PROBLEM)
WRITE_ERRORS = {**ERRORS, 409: PROBLEM, 422: PROBLEM}
IDEMPOTENCY = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    description="Any unique string (a UUID): a retry with the same key does nothing twice.",
)


class ProblemJSONRenderer(renderers.JSONRenderer):
    media_type = "application/problem+json"


class ApiView(APIView):
    """Token (partner systems) or session (staff) authentication, the caller's scope, a rate
    limit per token, and RFC 7807 errors."""

    authentication_classes = [PartnerTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = [PerTokenThrottle]
    renderer_classes = [renderers.JSONRenderer, ProblemJSONRenderer]
    parser_classes = [parsers.JSONParser, parsers.FormParser, parsers.MultiPartParser]

    def get_exception_handler(self):
        return exception_handler

    def fiche(self, reference: str) -> Fiche:
        """The fiche if the caller's scope holds it; 404 otherwise (no hint that it exists)."""
        return get_object_or_404(
            visible_fiches(self.request.user).select_related(*LIST_RELATED, "requester"),
            reference=reference[:40],
        )

    def detail(self, fiche: Fiche, status: int = 200) -> Response:
        fiche = (
            Fiche.objects.select_related(*LIST_RELATED, "requester")
            .prefetch_related(
                Prefetch("events", queryset=Event.objects.order_by("at", "id")),
                Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "id")),
            )
            .get(pk=fiche.pk)
        )
        user = self.request.user
        fiche.allowed_actions = [a.name for a in allowed_actions(fiche, user)]
        if not can_see_personal_data(user, fiche):
            fiche.requester = None
        data = FicheDetailSerializer(fiche, context={"request": self.request}).data
        data["events"] = EventSerializer(fiche.events.all(), many=True).data
        data["attachments"] = AttachmentSerializer(
            fiche.attachments.all(), many=True, context={"request": self.request}
        ).data
        return Response(data, status=status)


class FicheList(ApiView):
    @extend_schema(
        parameters=[ListQuerySerializer],
        responses={200: FichePageSerializer, **ERRORS},
        summary="The caller's fiches, newest first (cursor pagination)",
        operation_id="list_fiches",
        description="Only the fiches of the token's scope. Follow `next` for the next page.",
    )
    def get(self, request):
        query = ListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = dict(query.validated_data)
        if "status" in filters:
            filters["status"] = sorted(filters["status"])
        size = filters.pop("page_size")
        cursor = filters.pop("cursor", None)
        filters["date_from"] = filters.pop("created_from", None)
        filters["date_to"] = filters.pop("created_to", None)
        page = keyset_page(find_fiches(scope_for(request.user), filters).fiches, cursor, size)
        next_url = None
        if page.next_cursor:
            params = request.query_params.copy()
            params["cursor"] = page.next_cursor
            next_url = request.build_absolute_uri(f"{reverse('partners:fiches')}?{params.urlencode()}")
        results = FicheSerializer(page.items, many=True, context={"request": request}).data
        return Response({"results": results, "next": next_url})


class FicheDetail(ApiView):
    @extend_schema(
        responses={200: FicheDetailSerializer, **ERRORS},
        summary="One fiche, its timeline and files",
        operation_id="get_fiche",
    )
    def get(self, request, reference: str):
        return self.detail(self.fiche(reference))


class FicheAction(ApiView):
    @extend_schema(
        request=ActionSerializer,
        parameters=[IDEMPOTENCY],
        responses={200: FicheDetailSerializer, **WRITE_ERRORS},
        summary="Take a lifecycle action (acknowledge, start, wait, resolve, send_back, reject …)",
        operation_id="act_on_fiche",
        description="409 when `expected_version` is not the fiche's current `version`.",
    )
    def post(self, request, reference: str):
        fiche = self.fiche(reference)

        def perform() -> Response:
            data = ActionSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            values = data.validated_data
            original = None
            if values.get("original"):
                original = get_object_or_404(visible_fiches(request.user), reference=values["original"])
            transition(
                fiche,
                values["action"],
                request.user,
                comment=values.get("comment", ""),
                outcome=values.get("outcome", ""),
                reason=values.get("reason", ""),
                public=values.get("public"),
                original=original,
                expected_version=values["expected_version"],
            )
            return self.detail(fiche)

        return replayable(request, f"action {fiche.pk}", perform)


class FicheNote(ApiView):
    @extend_schema(
        request=NoteSerializer,
        parameters=[IDEMPOTENCY],
        responses={201: FicheDetailSerializer, **WRITE_ERRORS},
        summary="Add a note (public: the citizen reads it)",
        operation_id="add_note",
    )
    def post(self, request, reference: str):
        fiche = self.fiche(reference)

        def perform() -> Response:
            data = NoteSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            values = data.validated_data
            add_note(
                fiche,
                request.user,
                values["text"],
                public=values["public"],
                expected_version=values["expected_version"],
            )
            return self.detail(fiche, status=201)

        return replayable(request, f"note {fiche.pk}", perform)


class FicheAttachments(ApiView):
    @extend_schema(
        request={"multipart/form-data": AttachmentUploadSerializer},
        parameters=[IDEMPOTENCY],
        responses={201: AttachmentSerializer, **WRITE_ERRORS, 413: PROBLEM},
        summary="Add a photo or a PDF",
        operation_id="add_attachment",
    )
    def post(self, request, reference: str):
        fiche = self.fiche(reference)

        def perform() -> Response:
            data = AttachmentUploadSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            attachment = attach(fiche, data.validated_data["file"], request.user)
            return Response(AttachmentSerializer(attachment, context={"request": request}).data, status=201)

        return replayable(request, f"attachment {fiche.pk}", perform)


class AttachmentDownload(ApiView):
    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **ERRORS},
        operation_id="download_attachment",
    )
    def get(self, request, reference: str, pk: int):
        fiche = self.fiche(reference)
        attachment = get_object_or_404(Attachment, fiche=fiche, pk=pk)
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.download_name,
            content_type=attachment.content_type,
        )
