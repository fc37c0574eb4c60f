"""Conventions: in force, notice, renewal, and the co-branding that asks them."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from agreements import services
from agreements.models import Agreement, Renewal
from agreements.selectors import convention_in_force
from correspondence.branding import letterhead_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement(bodies) -> Agreement:
    return Agreement.objects.get(partner=bodies["metro"])


def test_the_demo_convention_is_in_force_for_the_years_agreed(agreement, bodies):
    assert agreement.ends_on == date(2027, 2, 28)
    assert not convention_in_force(bodies["metro"], date(2025, 2, 28))
    assert convention_in_force(bodies["metro"], date(2025, 3, 1))
    assert convention_in_force(bodies["metro"], date(2027, 2, 28))
    assert not convention_in_force(bodies["metro"], date(2027, 3, 1))
    assert agreement.renewal_deadline() == date(2026, 11, 28)


def test_renewal_accepted_adds_a_year_and_refusal_does_not(agreement, bodies):
    services.record_renewal_letter(agreement, 2, date(2026, 11, 2))
    services.record_renewal_answer(agreement, 2, Renewal.Answer.ACCEPTED, date(2026, 12, 1))
    assert agreement.years_agreed == 3 and agreement.ends_on == date(2028, 2, 29)
    assert convention_in_force(bodies["metro"], date(2028, 2, 29))
    with pytest.raises(ValidationError):
        services.record_renewal_answer(agreement, 2, Renewal.Answer.REFUSED, date(2026, 12, 2))
    services.record_renewal_answer(agreement, 3, Renewal.Answer.REFUSED, date(2027, 12, 1))
    agreement.refresh_from_db()
    assert agreement.years_agreed == 3
    assert Renewal.objects.get(agreement=agreement, year=2).letter_sent_on == date(2026, 11, 2)


def test_notice_computes_the_effective_end(agreement, bodies):
    services.serve_notice(agreement, bodies["city"], date(2026, 5, 31))
    assert agreement.ends_on == date(2026, 8, 30)
    assert agreement.notice_served_by == bodies["city"]
    assert convention_in_force(bodies["metro"], date(2026, 8, 30))
    assert not convention_in_force(bodies["metro"], date(2026, 8, 31))
    with pytest.raises(ValidationError):
        services.serve_notice(agreement, bodies["metro"], date(2026, 6, 1))
    with pytest.raises(ValidationError):
        services.record_renewal_answer(agreement, 2, Renewal.Answer.ACCEPTED, date(2026, 6, 1))


def test_notice_on_the_last_day_ends_the_convention_at_its_term(agreement, bodies):
    services.serve_notice(agreement, bodies["metro"], date(2027, 2, 28))
    assert agreement.ends_on == date(2027, 2, 28)


def test_notice_is_served_by_a_party_while_in_force(agreement, bodies):
    from organisations.models import Body

    other = Body.objects.create(name="Département", short_name="CD13", kind=Body.Kind.PARTNER)
    for by, day in [(other, date(2026, 5, 1)), (bodies["city"], date(2024, 5, 1))]:
        with pytest.raises(ValidationError):
            services.serve_notice(agreement, by, day)


def test_letters_stop_carrying_the_partner_logo_after_the_effective_end(agreement, bodies, make_fiche):
    fiche = make_fiche("VOI-NID")
    services.serve_notice(agreement, bodies["metro"], date(2026, 6, 15))  # ends 14 September 2026
    with time_machine.travel(date(2026, 9, 14)):
        assert [s.body for s in letterhead_for(fiche)] == [bodies["city"], bodies["metro"]]
    with time_machine.travel(date(2026, 9, 15)):
        assert [s.body for s in letterhead_for(fiche)] == [bodies["city"]]


def test_a_partner_without_a_convention_is_not_cobranded(bodies, make_fiche):
    Agreement.objects.all().delete()
    assert [s.body for s in letterhead_for(make_fiche("VOI-NID"))] == [bodies["city"]]
