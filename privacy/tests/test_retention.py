"""The retention sweep: proposes the due fiches, waits for the archives' visa, anonymises,
is idempotent, leaves every figure unchanged and leaves no trace of the person."""

from __future__ import annotations

import io
from dataclasses import asdict
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from fiches.models import Fiche, Requester
from finance.counting import CountingRule
from finance.selectors import count_key
from organisations.access import scope_for
from organisations.models import Body
from portal.models import WebSubmission
from privacy import sweep
from privacy.models import AnonymisedFiche, EliminationList, LegalHold, RetentionRule
from privacy.rules import cutoff, months_before
from privacy.tests.conftest import TRACES
from reporting.figures import Period
from reporting.selectors import DIMENSIONS, barometer

pytestmark = pytest.mark.django_db(transaction=False)


def expected_due(before) -> set[int]:
    """Computed in Python, independently of the sweep's SQL."""
    due = set()
    for f in Fiche.objects.all():
        ended = f.closed_at or f.resolved_at or f.updated_at
        if f.status in ("closed", "rejected", "duplicate") and ended < before:
            due.add(f.pk)
    held = set(LegalHold.objects.filter(released_at__isnull=True).values_list("fiche_id", flat=True))
    return due - held


def figures(users) -> dict:
    """Every barometer figure by every dimension over the two years, and the allocation keys."""
    scope = scope_for(users["comite"])
    today = timezone.localdate()
    period = Period(date(today.year - 2, 1, 1), today)
    result = {by: asdict(barometer(scope, period, by)) for by in DIMENSIONS}
    for body in Body.objects.all():
        for rule in (CountingRule(), CountingRule(body="creation", duplicates=True, rejected=True)):
            result[f"key-{body.pk}-{rule}"] = count_key(body.pk, period.start, period.end, rule)
    return result


def run_sweep() -> EliminationList | None:
    return sweep.run().proposed


def test_months_before_keeps_the_day_or_the_months_last():
    moment = timezone.make_aware(timezone.datetime(2026, 3, 31, 10, 0))
    assert months_before(moment, 1).date() == date(2026, 2, 28)
    assert months_before(moment, 12).date() == date(2025, 3, 31)
    assert months_before(moment, 0) == moment


def test_sweep_proposes_the_right_set_and_touches_nothing_before_the_visa(
    demo_year, live_fiche, person, users
):
    fiche = live_fiche(person)
    held = Fiche.objects.filter(status="closed", closed_at__lt=cutoff("fiche")).exclude(pk=fiche.pk).first()
    LegalHold.objects.create(fiche=held, reason="Recours gracieux en cours", placed_by=users["admin"])
    before_people = Requester.objects.count()

    listing = run_sweep()

    expected = expected_due(cutoff("fiche"))
    assert fiche.pk in expected and held.pk not in expected and len(expected) > 20
    assert set(listing.items.values_list("fiche_id", flat=True)) == expected
    assert listing.total == len(expected) == sum(row[3] for row in listing.counts)
    assert listing.state == EliminationList.State.PROPOSED
    # nothing anonymised before the visa
    assert not AnonymisedFiche.objects.exists() and Requester.objects.count() == before_people
    fiche.refresh_from_db()
    assert "Quintavalle" in fiche.description and fiche.requester_id == person.pk
    # idempotent: a second run proposes nothing new and keeps waiting
    report = sweep.run()
    assert report.proposed is None and report.pending == [listing]
    assert EliminationList.objects.count() == 1


def test_after_the_visa_the_sweep_anonymises_and_every_figure_is_unchanged(
    demo_year, live_fiche, person, users
):
    fiche = live_fiche(person)
    kept = live_fiche(person, ended_days_ago=30)  # her recent fiche keeps her record alive
    listing = run_sweep()
    before = figures(users)

    sweep.approve(listing, users["admin"], "AD13-2026-117", timezone.localdate())
    report = sweep.run()

    assert report.anonymised == listing.total
    listing.refresh_from_db()
    assert listing.state == EliminationList.State.DONE and listing.anonymised == listing.total
    assert figures(users) == before
    fiche.refresh_from_db()
    assert (fiche.requester_id, fiche.description, fiche.outcome, fiche.answers) == (None, "", "", {})
    assert fiche.street_number == "" and fiche.arrondissement == 1 and fiche.survey_answer.score == 4
    assert not fiche.attachments.exists() and not fiche.followers.exists()
    # the person stays for her recent fiche, which is untouched
    kept.refresh_from_db()
    assert kept.requester_id == person.pk and "Quintavalle" in kept.description
    # idempotent: nothing more to do, no new list
    again = sweep.run()
    assert again.anonymised == 0 and again.proposed is None


def test_no_personal_value_remains_in_the_database_or_the_media(
    live_fiche, person, requester_factory, users, settings, committed
):
    other = requester_factory("email", last_name="Bernardini", phone="07 11 22 33 44", email="b@example.org")
    fiche = live_fiche(person, follower=other)
    WebSubmission.objects.create(  # a request that went through the online form's moderation
        fiche=fiche,
        status="accepted",
        reason="mot suspect",
        data={"contact": person.email, "name": "Quintavalle"},
    )
    media = Path(settings.MEDIA_ROOT)
    assert any(media.rglob("*.pdf"))
    assert "Quintavalle" in dump()  # the test sees her before

    listing = run_sweep()
    sweep.approve(listing, users["admin"], "AD13-2026-118", timezone.localdate())
    with committed():  # the files go after the commit
        sweep.run()

    text = dump()
    for trace in [*TRACES, "Bernardini", "07 11 22 33 44"]:
        assert trace not in text, trace
    assert not Requester.objects.filter(pk__in=[person.pk, other.pk]).exists()
    for path in media.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not any(t.encode() in data for t in TRACES), path
    assert not list(media.rglob("*.pdf"))  # the letters, the attachment and the batch
    assert Fiche.objects.filter(pk=fiche.pk).exists()


def test_the_people_the_sweep_deletes_leave_no_history_entry(live_fiche, person, users):
    """The list, its visa and the marks tell what went; a history entry per deleted caller
    was most of the sweep's time. An erasure still writes them."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    live_fiche(person)
    listing = run_sweep()
    sweep.approve(listing, users["admin"], "AD13-2026-119", timezone.localdate())
    people = ContentType.objects.get_for_model(Requester)
    before = LogEntry.objects.filter(content_type=people).count()
    sweep.run()
    assert not Requester.objects.filter(pk=person.pk).exists()
    assert AnonymisedFiche.objects.filter(elimination_list=listing).count() == listing.total
    assert LogEntry.objects.filter(content_type=people).count() == before


def dump() -> str:
    out = io.StringIO()
    call_command("dumpdata", "--natural-foreign", stdout=out, exclude=["contenttypes", "auth.permission"])
    text = out.getvalue()
    return text + text.encode().decode("unicode_escape", errors="ignore")


def test_a_legal_hold_placed_after_the_proposal_keeps_the_fiche(live_fiche, person, users):
    fiche = live_fiche(person)
    listing = run_sweep()
    hold = LegalHold.objects.create(fiche=fiche, reason="Contentieux", placed_by=users["admin"])
    sweep.approve(listing, users["admin"], "V-1", timezone.localdate())
    sweep.run()
    fiche.refresh_from_db()
    assert fiche.requester_id == person.pk and not AnonymisedFiche.objects.filter(fiche=fiche).exists()
    # released: the next sweep proposes it again, for a new visa
    LegalHold.objects.filter(pk=hold.pk).update(released_at=timezone.now())
    assert set(run_sweep().items.values_list("fiche_id", flat=True)) == {fiche.pk}


def test_open_or_recent_fiches_are_never_proposed(live_fiche, person):
    live_fiche(person, close=False)
    live_fiche(person, ended_days_ago=200)
    assert run_sweep() is None


def test_the_rule_in_the_admin_overrides_the_settings(live_fiche, person):
    live_fiche(person, ended_days_ago=200)
    RetentionRule.objects.create(kind="fiche", months=6, legal_basis="Décision du DPO")
    assert run_sweep().total == 1


def test_approval_needs_a_proposed_list_and_a_visa(live_fiche, person, users):
    live_fiche(person)
    listing = run_sweep()
    with pytest.raises(ValueError):
        sweep.approve(listing, users["admin"], " ", timezone.localdate())
    sweep.approve(listing, users["admin"], "V-2", timezone.localdate())
    with pytest.raises(ValueError):
        sweep.approve(listing, users["admin"], "V-3", timezone.localdate())
    with pytest.raises(ValueError):
        sweep.carry_out(EliminationList.objects.create(cutoff=timezone.now()))


def test_technical_logs_past_their_rule_are_purged(db, users, committed):
    from axes.models import AccessAttempt, AccessLog

    from correspondence.models import Batch

    old = timezone.now() - timedelta(days=400)
    for model, extra in ((AccessLog, {}), (AccessAttempt, {"failures_since_start": 1})):
        row = model.objects.create(username="agent", ip_address="10.0.0.1", user_agent="x", **extra)
        model.objects.filter(pk=row.pk).update(attempt_time=old)
    AccessLog.objects.create(username="agent", ip_address="10.0.0.1", user_agent="x")
    batch = Batch.objects.create(created_at=old)
    from django.core.files.base import ContentFile

    batch.pdf.save("lot.pdf", ContentFile(b"%PDF-1.4 lot"))
    path = Path(batch.pdf.path)

    with committed():
        report = sweep.purge_technical(timezone.now())

    assert report["login_logs"] == 2 and AccessLog.objects.count() == 1
    assert report["api_logs"] == 0 and report["live_calls"] == 0
    assert report["letter_batches"] == 1
    batch.refresh_from_db()
    assert batch.pdf.name == "" and not path.exists()


def test_the_command_writes_the_list_without_personal_data(live_fiche, person, tmp_path):
    live_fiche(person)
    out = io.StringIO()
    call_command("retention_sweep", "--output", str(tmp_path), stdout=out)
    assert "waiting for the archives service's visa" in out.getvalue()
    listing = EliminationList.objects.get()
    csv_text = (tmp_path / f"elimination-{listing.pk}.csv").read_text(encoding="utf-8-sig")
    assert csv_text.splitlines()[1].endswith(";1") and "Quintavalle" not in csv_text
    assert (tmp_path / f"elimination-{listing.pk}.pdf").read_bytes().startswith(b"%PDF")
    call_command("retention_sweep", stdout=(second := io.StringIO()))
    assert f"List no. {listing.pk} (1 fiches) still waits" in second.getvalue()


def test_the_administrator_records_the_visa_in_the_admin(client, live_fiche, person, users):
    live_fiche(person)
    listing = run_sweep()
    client.force_login(users["admin"])
    url = reverse("admin:privacy_eliminationlist_change", args=[listing.pk])
    pdf = client.get(reverse("admin:privacy_eliminationlist_file", args=[listing.pk, "pdf"]))
    csv = client.get(reverse("admin:privacy_eliminationlist_file", args=[listing.pk, "csv"]))
    assert pdf.content.startswith(b"%PDF") and b"Quintavalle" not in b"".join(csv.streaming_content)
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    refused = client.post(url, {"visa_reference": "AD13-1", "visa_date": future})
    assert refused.status_code == 200 and "AD13-1" in refused.content.decode()  # kept, with the error
    assert client.post(url, {"visa_reference": "", "visa_date": ""}).status_code == 200
    listing.refresh_from_db()
    assert listing.state == EliminationList.State.PROPOSED
    client.post(url, {"visa_reference": "AD13-1", "visa_date": timezone.localdate().isoformat()})
    listing.refresh_from_db()
    assert (listing.state, listing.visa_reference, listing.approved_by) == (
        "approved",
        "AD13-1",
        users["admin"],
    )


def test_open_channel_logs_and_the_live_state_past_their_rule_are_purged(db, make_fiche, users):
    from cti.models import LiveCall
    from open311.models import ApiRequestLog
    from partners.models import PartnerSystem, WebhookDelivery, WebhookEndpoint
    from partners.services import save_partner

    old, recent = timezone.now() - timedelta(days=400), timezone.now()
    fiche = make_fiche("VOI-NID")
    for at in (old, recent):
        ApiRequestLog.objects.create(at=at, method="requests", http_method="GET", status=200)
        LiveCall.objects.create(callid=f"c{at.timestamp()}", queue="info", caller="0612345678",
                                joined_at=at, local_date=at.date())  # fmt: skip
    partner = save_partner(PartnerSystem(name="SIG Métropole", body=fiche.body))
    endpoint = WebhookEndpoint.objects.create(
        partner=partner, url="https://partner.example/hook", active=False
    )
    for status in ("delivered", "failed", "pending"):
        WebhookDelivery.objects.create(endpoint=endpoint, fiche=fiche, action="create", payload={},
                                       status=status, created_at=old)  # fmt: skip
    WebhookDelivery.objects.create(endpoint=endpoint, fiche=fiche, action="create", payload={},
                                   status="delivered", created_at=recent)  # fmt: skip

    report = sweep.purge_technical(timezone.now())

    assert report["api_logs"] == 3 and report["live_calls"] == 1
    assert ApiRequestLog.objects.count() == 1 and LiveCall.objects.count() == 1
    assert sorted(WebhookDelivery.objects.values_list("status", flat=True)) == ["delivered", "pending"]
