"""The renewal sweep: warnings at 60/30/15/7 days, each once, to the people in charge."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from agreements import services
from agreements.models import Agreement, RenewalWarning
from agreements.sweep import run_renewal_sweep

pytestmark = pytest.mark.django_db
DEADLINE = date(2026, 11, 28)  # the demo convention, end of year 2 (28 February 2027)


@pytest.fixture
def agreement(bodies, users) -> Agreement:
    for user in users.values():
        user.email = f"{user.username}@example.org"
        user.save()
    return Agreement.objects.get(partner=bodies["metro"])


def test_each_delay_warns_once(agreement):
    assert run_renewal_sweep(date(2026, 9, 28)).sent == 0  # 61 days before
    assert run_renewal_sweep(date(2026, 9, 29)).sent == 1  # 60 days
    assert run_renewal_sweep(date(2026, 9, 29)).sent == 0  # same day again
    assert run_renewal_sweep(date(2026, 10, 15)).sent == 0
    assert run_renewal_sweep(date(2026, 10, 29)).sent == 1  # 30 days
    assert run_renewal_sweep(date(2026, 11, 21)).sent == 1  # 7 days: 15 was missed, one e-mail
    assert run_renewal_sweep(date(2026, 11, 28)).sent == 0
    assert run_renewal_sweep(date(2026, 11, 29)).sent == 0  # past the deadline
    assert sorted(RenewalWarning.objects.values_list("days_before", flat=True)) == [7, 15, 30, 60]
    message = mail.outbox[0]
    assert message.to == ["admin@example.org", "finances@example.org"]
    assert "28/11/2026" in message.subject and "CONV-ALLO-MAIRIE-2025" in message.subject
    assert "dans 60 jours" in message.body and "/finances/conventions/" in message.body


def test_no_warning_once_the_letter_is_sent_or_under_notice(agreement, bodies):
    services.record_renewal_letter(agreement, 2, date(2026, 9, 1))
    assert run_renewal_sweep(date(2026, 9, 29)).sent == 0
    agreement.renewals.all().delete()
    services.serve_notice(agreement, bodies["metro"], date(2026, 9, 1))
    assert run_renewal_sweep(date(2026, 11, 21)).sent == 0


def test_the_command_runs_for_a_given_day(agreement):
    out = StringIO()
    call_command("agreements_sweep", "--today", "2026-11-21", stdout=out)
    assert "1 e-mail" in out.getvalue()
    call_command("agreements_sweep", "--today", "2026-11-21", stdout=out)
    assert len(mail.outbox) == 1
