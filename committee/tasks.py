"""Background generation of the quarterly pack (Django Tasks; progress saved on the pack)."""

from __future__ import annotations

from django_tasks import task


@task()
def generate_pack(pack_id: int) -> str:
    from committee.services import build_pack

    return build_pack(pack_id).status
