"""Erlang B, C and A (M/M/N and M/M/N+M queues) for call-centre staffing.

Pure Python, no Django import. Numerically stable for thousands of agents: Erlang B is
computed with the recursion ``B_k = A·B_{k-1} / (k + A·B_{k-1})`` (every value in (0, 1]),
never with powers and factorials (research/telephony.md §3.3). Erlang A uses the closed
forms of §3.4 with log-space incomplete beta sums.

Units: ``calls`` per ``period`` seconds, ``aht`` (average handling time) and thresholds
in seconds, ``patience`` = mean caller patience in seconds (1/θ).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

MAX_AGENTS = 100_000
# Bounds of the staffing parameters, shared by the command and the staffing page. The offered
# load (calls × aht / period) is refused above MAX_LOAD Erlangs: a centre of thousands of
# agents, answered in seconds (the search below needs about log2(MAX_LOAD) evaluations).
MAX_LOAD = 5_000
TARGET_MIN, TARGET_MAX = 0.01, 0.99
SHRINKAGE_MAX = 0.9
PATIENCE_MIN, PATIENCE_MAX = 1, 3600
THRESHOLD_MAX = 3600
OCCUPANCY_MIN = 0.1


def erlang_b(load: float, agents: int) -> float:
    """Blocking probability of an M/M/N/N system with ``load`` Erlangs."""
    if agents < 0 or load < 0:
        raise ValueError("load and agents must be non-negative")
    b = 1.0
    for k in range(1, agents + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c(load: float, agents: int) -> float:
    """Probability that a call waits (M/M/N). 1 when the queue is unstable (N ≤ A)."""
    if agents <= load:
        return 1.0
    b = erlang_b(load, agents)
    return agents * b / (agents - load * (1.0 - b))


@dataclass(frozen=True)
class Result:
    agents: int
    load: float
    service_level: float
    wait_probability: float
    asa: float  # average speed of answer over all calls (Erlang C) / average wait of all callers (A)
    occupancy: float
    abandon_probability: float = 0.0


def erlang_c_result(load: float, agents: int, aht: float, threshold: float) -> Result:
    if agents <= load:
        return Result(agents, load, 0.0, 1.0, math.inf, 1.0)
    c = erlang_c(load, agents)
    sl = 1.0 - c * math.exp(-(agents - load) * threshold / aht)
    asa = c * aht / (agents - load)
    return Result(agents, load, sl, c, asa, load / agents)


def _incomplete_beta_sums(a: float, x: float) -> Iterator[float]:
    """I_x(a, b) for b = 1, 2, 3…: the partial sums of x^a Σ_{k<b} (a)_k/k! (1-x)^k, each
    term computed in log space (every term is at most 1, so the sum needs no rescaling).
    One pass for all b: Erlang A asks for every b up to its number of waiting states."""
    if x <= 0.0 or x >= 1.0:
        while True:
            yield 0.0 if x <= 0.0 else 1.0
    log_1mx = math.log1p(-x)
    log_term = a * math.log(x)
    total, k = 0.0, 0
    while True:
        total += math.exp(log_term)
        yield min(1.0, total)
        k += 1
        log_term += math.log((a + k - 1) / k) + log_1mx


def erlang_a_result(load: float, agents: int, aht: float, threshold: float, patience: float) -> Result:
    """M/M/N+M (exponential patience). ``service_level`` = P(answered within threshold),
    over all offered calls; ``asa`` is the average wait of all callers (abandoners too)."""
    if agents <= 0:
        return Result(agents, load, 0.0, 1.0, patience, 0.0, 1.0)
    mu = 1.0 / aht
    theta = 1.0 / patience
    lam = load * mu
    a = agents * mu / theta
    y = lam / theta
    b = erlang_b(load, agents)
    weights = [1.0]
    total = 1.0
    j = 0
    while True:
        j += 1
        w = weights[-1] * y / (a + j)
        weights.append(w)
        total += w
        if w < 1e-15 * total or j > 1_000_000:
            break
    p_wait = total * b / (1.0 + (total - 1.0) * b)
    x = math.exp(-theta * threshold)
    p_ab = 0.0
    p_ans_t = 1.0 - p_wait
    for j, (w, beta) in enumerate(zip(weights, _incomplete_beta_sums(a + 1, x), strict=False)):
        p_j = p_wait * w / total
        served = a / (a + j + 1)
        p_ab += p_j * (1.0 - served)
        if p_j > 1e-300:
            p_ans_t += p_j * served * (1.0 - beta)
    avg_wait = p_ab / theta
    occupancy = lam * (1.0 - p_ab) / (agents * mu)
    return Result(agents, load, p_ans_t, p_wait, avg_wait, occupancy, p_ab)


@dataclass(frozen=True)
class Staffing:
    result: Result
    agents_needed: int  # on the phones, before shrinkage
    scheduled: int  # after shrinkage
    load: float


def offered_load(calls: float, period: float, aht: float) -> float:
    return calls * aht / period if period > 0 else 0.0


def check_parameters(
    calls: float,
    period: float,
    aht: float,
    target: float,
    threshold: float,
    *,
    patience: float | None = None,
    shrinkage: float = 0.0,
    max_occupancy: float = 1.0,
) -> None:
    """ValueError naming the first parameter out of its bounds."""
    values = {"calls": calls, "period": period, "aht": aht, "target": target, "threshold": threshold,
              "patience": patience, "shrinkage": shrinkage, "max occupancy": max_occupancy}  # fmt: skip
    for name, value in values.items():
        if value is not None and not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number")
    if calls < 0:
        raise ValueError("calls must be 0 or more")
    if period <= 0 or aht <= 0:
        raise ValueError("period and aht must be more than 0 seconds")
    if not TARGET_MIN <= target <= TARGET_MAX:
        raise ValueError(f"target must be from {TARGET_MIN} to {TARGET_MAX}")
    if not 0 <= threshold <= THRESHOLD_MAX:
        raise ValueError(f"threshold must be from 0 to {THRESHOLD_MAX} seconds")
    if patience is not None and not PATIENCE_MIN <= patience <= PATIENCE_MAX:
        raise ValueError(
            f"patience must be from {PATIENCE_MIN} to {PATIENCE_MAX} seconds (leave it out for Erlang C)"
        )
    if not 0 <= shrinkage <= SHRINKAGE_MAX:
        raise ValueError(f"shrinkage must be from 0 to {SHRINKAGE_MAX}")
    if not OCCUPANCY_MIN <= max_occupancy <= 1:
        raise ValueError(f"max occupancy must be from {OCCUPANCY_MIN} to 1")
    load = offered_load(calls, period, aht)
    if load > MAX_LOAD:
        raise ValueError(
            f"an offered load of {load:.0f} Erlangs (calls × aht / period) "
            f"is beyond the maximum of {MAX_LOAD}"
        )


def staffing(
    calls: float,
    period: float,
    aht: float,
    target: float,
    threshold: float,
    *,
    patience: float | None = None,
    shrinkage: float = 0.0,
    max_occupancy: float = 1.0,
) -> Staffing:
    """Smallest number of agents reaching ``target`` service level within ``threshold``.

    The service level grows with the number of agents, so the search brackets the answer by
    doubling steps from the square-root rule's guess (load + √load), then halves the bracket:
    a few dozen evaluations whatever the load, the costly ones of Erlang A (far fewer agents
    than Erlangs) avoided. Lower bounds: more agents than Erlangs for Erlang C (a stable
    queue); for Erlang A, ``target × load`` (the agents answer at most ``n / load`` of the calls).
    """
    check_parameters(
        calls,
        period,
        aht,
        target,
        threshold,
        patience=patience,
        shrinkage=shrinkage,
        max_occupancy=max_occupancy,
    )
    load = offered_load(calls, period, aht)
    if load <= 0:
        empty = Result(0, 0.0, 1.0, 0.0, 0.0, 0.0)
        return Staffing(empty, 0, 0, 0.0)

    def compute(n: int) -> Result:
        if patience:
            return erlang_a_result(load, n, aht, threshold, patience)
        return erlang_c_result(load, n, aht, threshold)

    # the square-root rule's guess, then doubling steps down or up to bracket the answer
    lowest = max(1, math.floor(target * load)) if patience else math.floor(load) + 1
    guess = max(lowest, min(MAX_AGENTS, math.ceil(load + math.sqrt(load))))
    tried = {guess: compute(guess)}
    step = 1
    if tried[guess].service_level >= target:  # enough: find a lower number that is not
        high = low = guess
        while low > lowest:
            low = max(lowest, high - step)
            tried[low] = compute(low)
            if tried[low].service_level < target:
                break
            high, step = low, step * 2
        if tried[low].service_level >= target:  # even the lower bound is enough
            high = low
    else:  # too few: find a higher number that is enough
        low = high = guess
        while high < MAX_AGENTS:
            high = min(MAX_AGENTS, low + step)
            tried[high] = compute(high)
            if tried[high].service_level >= target:
                break
            low, step = high, step * 2
    while high - low > 1:  # low is too few, high is enough (or the cap)
        middle = (low + high) // 2
        tried[middle] = compute(middle)
        if tried[middle].service_level >= target:
            high = middle
        else:
            low = middle
    low, result = high, tried[high]
    n = low
    if max_occupancy < 1.0:
        floor_n = math.ceil(load / max_occupancy)
        if floor_n > n:
            n = floor_n
            result = compute(n)
    scheduled = math.ceil(n / (1.0 - shrinkage) - 1e-9)
    return Staffing(result, n, scheduled, load)
