"""Erlang B/C/A against published worked examples and limit cases."""

from __future__ import annotations

import math

import pytest

from telephony import erlang


def test_callcentrehelper_worked_example():
    """100 calls in 30 min, AHT 180 s, 80 % in 20 s: A = 10 Erlangs, 14 agents,
    P(wait) 17.4 %, service level 88.8 %, ASA 7.8 s, occupancy 71.4 %."""
    plan = erlang.staffing(100, 1800, 180, 0.8, 20)
    r = plan.result
    assert plan.load == 10 and plan.agents_needed == 14
    assert round(r.wait_probability, 4) == 0.1741
    assert round(r.service_level, 3) == 0.888
    assert round(r.asa, 1) == 7.8
    assert round(r.occupancy, 3) == 0.714
    assert erlang.erlang_c_result(10, 13, 180, 20).service_level < 0.8  # 13 agents are not enough


def test_erlang_b_published_value():
    assert round(erlang.erlang_b(123, 132), 5) == 0.03124  # call-center-tools docstring bug noted in research


@pytest.mark.parametrize(("load", "agents"), [(200, 215), (1000, 1040), (5000, 5100)])
def test_stable_for_hundreds_of_agents(load, agents):
    c = erlang.erlang_c(load, agents)
    assert 0 < c < 1 and not math.isnan(c)


def test_limits():
    assert erlang.erlang_c(10, 10) == 1.0 and erlang.erlang_c(10, 5) == 1.0
    assert erlang.erlang_b(10, 0) == 1.0
    assert erlang.erlang_c(10, 200) < 1e-50
    assert erlang.staffing(0, 1800, 180, 0.8, 20).agents_needed == 0
    assert erlang.staffing(100, 1800, 180, 0.8, 20, shrinkage=0.3).scheduled == 20


def test_erlang_a_limits():
    # very patient callers: Erlang A tends to Erlang C (research: 0.102042 / 0.941453 at A=10, N=15)
    r = erlang.erlang_a_result(10, 15, 180, 20, patience=1e9)
    assert round(r.wait_probability, 6) == 0.102042
    assert round(r.service_level, 6) == 0.941453
    # patience = AHT (θ = μ): M/M/∞, P(W>0) = P(Poisson(10) ≥ 14) = 0.135536
    r = erlang.erlang_a_result(10, 14, 180, 20, patience=180)
    assert round(r.wait_probability, 6) == 0.135536
    # overloaded but stable thanks to abandons
    r = erlang.erlang_a_result(20, 10, 180, 20, patience=60)
    assert 0.4 < r.abandon_probability < 1 and r.occupancy <= 1


def test_erlang_a_needs_fewer_agents_than_c():
    c = erlang.staffing(100, 1800, 180, 0.8, 20)
    a = erlang.staffing(100, 1800, 180, 0.8, 20, patience=300)
    assert a.agents_needed <= c.agents_needed


def test_settings_checked_at_start(settings):
    from telephony.checks import telephony_settings

    assert telephony_settings(None) == []
    settings.TELEPHONY_SL_FORMULA = "F9"
    settings.TELEPHONY_SL_THRESHOLD = -1
    settings.TELEPHONY_SL_TARGET = 80
    settings.TELEPHONY_SHRINKAGE = 1
    assert sorted(e.id for e in telephony_settings(None)) == [
        "telephony.E001", "telephony.E002", "telephony.E003", "telephony.E003"
    ]  # fmt: skip


def _birth_death(load: float, agents: int, aht: float, patience: float) -> tuple[float, float, float]:
    """M/M/N+M solved as a truncated birth-death chain, independently of the closed forms:
    (P(wait > 0), P(abandon), occupancy) seen by arrivals (PASTA)."""
    mu, theta = 1 / aht, 1 / patience
    lam = load * mu
    weights, k = [1.0], 0
    while weights[-1] > 1e-18 * sum(weights) or k <= agents:
        k += 1
        weights.append(weights[-1] * lam / (min(k, agents) * mu + max(k - agents, 0) * theta))
    total = sum(weights)
    pi = [w / total for w in weights]
    waiting = sum(p for n, p in enumerate(pi) if n >= agents)
    abandon = sum((n - agents) * theta * p for n, p in enumerate(pi) if n > agents) / lam
    busy = sum(min(n, agents) * p for n, p in enumerate(pi)) / agents
    return waiting, abandon, busy


@pytest.mark.parametrize(
    ("load", "agents", "patience"), [(10, 14, 300), (10, 11, 60), (20, 10, 60), (500, 510, 240), (2, 1, 30)]
)
def test_erlang_a_matches_the_birth_death_chain(load, agents, patience):
    result = erlang.erlang_a_result(load, agents, 180, 20, patience=patience)
    waiting, abandon, busy = _birth_death(load, agents, 180, patience)
    assert result.wait_probability == pytest.approx(waiting, abs=1e-9)
    assert result.abandon_probability == pytest.approx(abandon, abs=1e-9)
    assert result.occupancy == pytest.approx(busy, abs=1e-9)


@pytest.mark.django_db
def test_staffing_forecast_averages_over_the_days_the_centre_opened(tmp_path):
    """Easter Monday (6 April 2026) is closed: the Monday 10:00 forecast is the 4 calls of
    13 April, not 4 calls over two Mondays."""
    from datetime import date

    from telephony import selectors, services

    ten = 1776067200  # Monday 13 April 2026, 10:00 in Paris
    path = tmp_path / "queue_log"
    path.write_text(
        "".join(
            f"{ten + 60 * n}|m{n}|info|NONE|ENTERQUEUE||06|1\n{ten + 60 * n + 5}|m{n}|info|ag|CONNECT|5|x|1\n"
            f"{ten + 60 * n + 125}|m{n}|info|ag|COMPLETECALLER|5|120|1\n"
            for n in range(4)
        )
    )
    services.import_file(path, final=True)
    plan = selectors.staffing_plan(selectors.Filters(date_from=date(2026, 4, 6), date_to=date(2026, 4, 19)))
    monday_ten = next(row for row in plan if (row["weekday"], row["minute"]) == (0, 600))
    assert monday_ten["calls"] == 4


def _linear_search(load: float, aht: float, target: float, threshold: float, patience: float | None) -> int:
    """The smallest number of agents reaching the target, tried one by one from 1 (the reference)."""
    n = 1
    while True:
        if patience:
            result = erlang.erlang_a_result(load, n, aht, threshold, patience)
        else:
            result = erlang.erlang_c_result(load, n, aht, threshold)
        if result.service_level >= target:
            return n
        n += 1


@pytest.mark.parametrize("patience", [None, 30, 300])
@pytest.mark.parametrize("calls", [1, 7, 40, 100, 333, 1200])
@pytest.mark.parametrize("target", [0.5, 0.8, 0.95])
def test_the_bracketed_search_finds_the_smallest_number_of_agents(calls, target, patience):
    plan = erlang.staffing(calls, 1800, 180, target, 20, patience=patience)
    assert plan.agents_needed == _linear_search(plan.load, 180, target, 20, patience)


@pytest.mark.parametrize("patience", [None, 300])
def test_the_largest_load_is_answered_in_a_few_evaluations(monkeypatch, patience):
    calls = []
    original = erlang.erlang_b
    monkeypatch.setattr(
        erlang, "erlang_b", lambda load, agents: calls.append(agents) or original(load, agents)
    )
    plan = erlang.staffing(erlang.MAX_LOAD * 10, 1800, 180, 0.8, 20, patience=patience)
    assert plan.load == erlang.MAX_LOAD and plan.agents_needed > 0.8 * erlang.MAX_LOAD
    assert len(calls) < 40


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"calls": math.inf}, "calls must be a finite number"),
        ({"calls": math.nan}, "calls must be a finite number"),
        ({"calls": -1}, "calls must be 0 or more"),
        ({"calls": 1e9}, "beyond the maximum of 5000"),
        ({"period": 0}, "period and aht"),
        ({"aht": -5}, "period and aht"),
        ({"target": 1}, "target must be"),
        ({"threshold": -20}, "threshold must be"),
        ({"patience": 0}, "patience must be"),
        ({"patience": -10}, "patience must be"),
        ({"shrinkage": 0.95}, "shrinkage must be"),
        ({"max_occupancy": 0}, "max occupancy must be"),
        ({"max_occupancy": -1}, "max occupancy must be"),
    ],
)
def test_parameters_out_of_bounds_are_refused(changes, message):
    params = {"calls": 100, "period": 1800, "aht": 180, "target": 0.8, "threshold": 20, **changes}
    with pytest.raises(ValueError, match=message):
        erlang.staffing(
            params.pop("calls"), params.pop("period"), params.pop("aht"), params.pop("target"),
            params.pop("threshold"), **params,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("open_slot", "gap", "status"),
    [
        (True, -1.5, "under"),
        (True, 0.0, "ok"),
        (True, 2.0, "over"),
        (False, -3.0, "closed"),
        (False, 1.0, "closed"),
    ],
)
def test_a_closed_slot_is_never_flagged_under_staffed(open_slot, gap, status):
    from telephony.selectors import slot_status

    assert slot_status(open_slot, gap) == status


@pytest.mark.django_db
def test_calls_outside_opening_hours_show_a_closed_slot(tmp_path):
    """A call at 03:00 (centre closed) needs agents in Erlang's arithmetic, yet the slot is
    reported as closed, not under-staffed."""
    from datetime import date

    from telephony import selectors, services

    night = 1776042000  # Monday 13 April 2026, 03:00 in Paris
    path = tmp_path / "queue_log"
    path.write_text(f"{night}|n1|info|NONE|ENTERQUEUE||06|1\n{night + 30}|n1|info|NONE|ABANDON|1|1|30\n")
    services.import_file(path, final=True)
    plan = selectors.staffing_plan(selectors.Filters(date_from=date(2026, 4, 13), date_to=date(2026, 4, 19)))
    three = next(row for row in plan if (row["weekday"], row["minute"]) == (0, 180))
    assert not three["open"] and three["agents_needed"] >= 1 and three["status"] == "closed"
