"""The demonstration data: every page alive on first run, realistic, idempotent."""

from io import StringIO

from django.core.management import call_command
from django.db.models import Count

from catalogue.models import RequestTypeVersion
from correspondence.models import Message
from fiches.models import OPEN_STATUSES, Fiche, Status
from finance.models import AllocationKey, RevenueOrder
from organisations.demo import DEMO_PASSWORD


def test_demo_data_creates_a_living_configuration(db):
    out = StringIO()
    call_command("demo_data", "--if-empty", "--fiches", "600", "--call-days", "30", stdout=out)
    printed = out.getvalue()
    assert DEMO_PASSWORD in printed and "cellule-voirie" in printed
    assert RequestTypeVersion.objects.count() >= 80
    assert Fiche.objects.count() == 600
    statuses = dict(Fiche.objects.values_list("status").annotate(n=Count("id")))
    assert statuses.get(Status.CLOSED, 0) > 100 and sum(statuses.get(s, 0) for s in OPEN_STATUSES) >= 10
    assert Fiche.objects.filter(was_late=True).exists() and Fiche.objects.filter(was_late=False).exists()
    assert Fiche.objects.values("arrondissement").distinct().count() >= 10
    assert Fiche.objects.values("body").distinct().count() == 2
    assert Fiche.objects.exclude(call_id="").filter(channel="phone").exists()  # calls ↔ fiches
    assert Message.objects.exists()  # the latest acknowledgements, for the post room and register
    assert RevenueOrder.objects.filter(status="paid").exists()  # the convention's money
    assert AllocationKey.objects.filter(year=1, validated_at__isnull=False).exists()
    references = Fiche.objects.values_list("reference", flat=True)
    assert len(set(references)) == 600
    # the version each demo fiche uses was in force when it was created
    assert not Fiche.objects.filter(created_at__lt=first_effective_date()).exists()
    # a second start changes nothing and still prints the logins
    again = StringIO()
    call_command("demo_data", "--if-empty", stdout=again)
    assert Fiche.objects.count() == 600 and "agent" in again.getvalue()


def first_effective_date():
    from django.db.models import Min

    return RequestTypeVersion.objects.aggregate(first=Min("effective_from"))["first"]
