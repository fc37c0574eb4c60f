"""Every page opens for every role on demonstration data: no server error anywhere, and the
pages a role may not use answer 403 or 404 rather than showing anything."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from core.testing import ROLES
from fiches.models import Fiche


@pytest.fixture
def demo(db):
    call_command("demo_data", "--fiches", "300", "--call-days", "7", verbosity=0)


def pages() -> list[str]:
    fiches = list(Fiche.objects.order_by("-created_at")[:3]) + list(
        Fiche.objects.filter(body__kind="partner")[:2]
    )
    urls = [
        reverse("core:home"),
        reverse("fiches:list"),
        reverse("fiches:intake"),
        reverse("fiches:export", args=["csv"]),
        reverse("followup:queue"),
        reverse("followup:board"),
        reverse("followup:reroute_list"),
        reverse("correspondence:post_room"),
        reverse("correspondence:register"),
        reverse("callbacks:queue"),
        reverse("knowledge:list"),
        reverse("knowledge:new"),
        reverse("knowledge:search") + "?knowledge_query=passeport&request_type=INF-ETATCIVIL",
        reverse("callbacks:queue") + "?outcome=reached&outcome=pending",
        reverse("portal:track"),
        reverse("portal:satisfaction"),
        reverse("catalogue:list"),
        reverse("catalogue:detail", args=["VOI-NID"]),
        reverse("catalogue:new"),
        reverse("catalogue:import"),
        reverse("telephony:dashboard"),
        reverse("telephony:staffing"),
        reverse("telephony:upload"),
        reverse("telephony:export"),
        reverse("cti:wallboard"),
        reverse("cti:pop"),
        reverse("report:form"),
        reverse("report:moderation"),
        reverse("reporting:barometer"),
        reverse("reporting:export", args=["csv"]),
        reverse("reporting:export", args=["xlsx"]),
        reverse("committee:index"),
        reverse("committee:propose") + "?kind=change&type=VOI-NID",
        reverse("committee:packs"),
        reverse("committee:reports"),
        reverse("committee:meetings"),
        reverse("committee:schedule"),
        reverse("committee:ask_meeting"),
        reverse("password_change"),
        reverse("accounts:security"),
        reverse("accounts:enrol"),
        reverse("accounts:verify"),
        reverse("audit:access_log"),
        reverse("finance:index"),
        reverse("finance:register"),
        reverse("finance:register_csv"),
        reverse("privacy:notice"),
        reverse("privacy:people") + "?q=a",
    ]
    from agreements.models import Agreement
    from finance.models import RevenueOrder

    for agreement in Agreement.objects.all():
        urls += [
            reverse("finance:agreement", args=[agreement.pk]),
            reverse("finance:renewal_letter", args=[agreement.pk]),
        ]
        urls += [
            reverse("finance:year", args=[agreement.pk, n]) for n in range(1, agreement.years_agreed + 1)
        ]
        urls.append(reverse("finance:sheet", args=[agreement.pk, 1]))
    from committee.models import Meeting

    for meeting in Meeting.objects.order_by("starts_at")[:1]:
        urls += [
            reverse("committee:meeting", args=[meeting.pk]),
            reverse("committee:convene", args=[meeting.pk]),
            reverse("committee:minutes", args=[meeting.pk]),
        ]
    for order in RevenueOrder.objects.all()[:2]:
        urls += [
            reverse("finance:order_pdf", args=[order.number]),
            reverse("finance:order_cancel", args=[order.number]),
        ]
    from fiches.models import Requester

    for person in Requester.objects.filter(fiches__isnull=False).order_by("pk")[:1]:
        urls.append(reverse("privacy:person") + f"?ids={person.pk}")
    for fiche in fiches:
        urls += [
            reverse("fiches:detail", args=[fiche.reference]),
            reverse("fiches:created", args=[fiche.reference]),
            reverse("followup:work", args=[fiche.reference]),
        ]
    return urls


@pytest.mark.parametrize("username", ROLES)
def test_no_page_fails_for_any_role(client, demo, username):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username=username))
    failures = []
    for url in pages():
        response = client.get(url)
        # 204/286: an htmx poll answering "nothing new" / "stop polling" (the screen pop)
        if response.status_code not in (200, 204, 286, 302, 403, 404):
            failures.append((url, response.status_code))
    assert not failures
