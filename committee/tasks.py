"""Background generation of the quarterly pack and of the annual report (Django Tasks;
progress saved on the row, shown by the page)."""

from __future__ import annotations

from django_tasks import task


@task()
def generate_pack(pack_id: int) -> str:
    from committee.services import build_pack

    return build_pack(pack_id).status


@task()
def generate_report(report_id: int) -> str:
    from committee.services import build_report

    return build_report(report_id).status
