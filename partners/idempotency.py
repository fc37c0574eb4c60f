"""``Idempotency-Key``: a POST retried with the same key (by the same caller) gets the first
answer back and changes nothing; the same key with another request is refused (422).

The record is written in the same transaction as the change: either both exist or neither
(a failed request can be retried with its key). Two requests with one key at the same time:
the second waits on the unique key, then replays the first's answer."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework.response import Response

from partners.models import IdempotencyRecord
from partners.problems import IdempotencyMismatch

HEADER = "Idempotency-Key"
MAX_KEY = 255


def fingerprint(request, subject: str) -> str:
    """The request's identity: method, target and data (files by their content)."""
    digest = hashlib.sha256(f"{request.method} {subject}".encode())
    data = {key: request.data.getlist(key) if hasattr(request.data, "getlist") else request.data[key]
            for key in sorted(request.data)}  # fmt: skip
    for name in sorted(getattr(request, "FILES", {}) or {}):
        for upload in request.FILES.getlist(name):
            file_digest = hashlib.sha256()
            for chunk in upload.chunks():
                file_digest.update(chunk)
            upload.seek(0)
            data[f"file:{name}"] = file_digest.hexdigest()
    digest.update(json.dumps(data, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def replayable(request, subject: str, perform: Callable[[], Response]) -> Response:
    """Run ``perform`` once per Idempotency-Key; without a key, just run it."""
    key = request.headers.get(HEADER)
    if key is None:
        return perform()
    key = key.strip()
    if not key or len(key) > MAX_KEY or not key.isprintable():
        from rest_framework.exceptions import ValidationError

        raise ValidationError({HEADER: [_("Send 1 to 255 printable characters.")]})
    print_ = fingerprint(request, subject)
    earlier = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
    if earlier is None:
        try:
            with transaction.atomic():
                # inserted first: a concurrent request with this key waits on its unique row
                IdempotencyRecord.objects.create(
                    user=request.user, key=key, fingerprint=print_, status_code=0, body={}
                )
                response = perform()
                if response.status_code >= 400:
                    transaction.set_rollback(True)
                    return response
                IdempotencyRecord.objects.filter(user=request.user, key=key).update(
                    status_code=response.status_code, body=response.data
                )
                return response
        except IntegrityError:
            earlier = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
            if earlier is None:
                raise
    if earlier.fingerprint != print_:
        raise IdempotencyMismatch(_("This Idempotency-Key was used for another request."))
    return Response(earlier.body, status=earlier.status_code, headers={"Idempotent-Replayed": "true"})
