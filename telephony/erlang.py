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
from dataclasses import dataclass

MAX_AGENTS = 100_000


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


def _log_incomplete_beta_terms(a: float, b: int, x: float) -> float:
    """I_x(a, b) for an integer b ≥ 1: x^a Σ_{k<b} (a)_k/k! (1-x)^k, summed in log space."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_x = math.log(x)
    log_1mx = math.log1p(-x)
    log_term = a * log_x
    logs = [log_term]
    for k in range(1, b):
        log_term += math.log((a + k - 1) / k) + log_1mx
        logs.append(log_term)
    top = max(logs)
    return min(1.0, math.exp(top) * sum(math.exp(v - top) for v in logs))


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
    for j, w in enumerate(weights):
        p_j = p_wait * w / total
        served = a / (a + j + 1)
        p_ab += p_j * (1.0 - served)
        if p_j > 1e-300:
            p_ans_t += p_j * served * (1.0 - _log_incomplete_beta_terms(a + 1, j + 1, x))
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
    """Smallest number of agents reaching ``target`` service level within ``threshold``."""
    if not 0 <= shrinkage < 1:
        raise ValueError("shrinkage must be in [0, 1)")
    load = offered_load(calls, period, aht)
    if load <= 0:
        empty = Result(0, 0.0, 1.0, 0.0, 0.0, 0.0)
        return Staffing(empty, 0, 0, 0.0)

    def compute(n: int) -> Result:
        if patience:
            return erlang_a_result(load, n, aht, threshold, patience)
        return erlang_c_result(load, n, aht, threshold)

    start = 1 if patience else int(math.floor(load)) + 1
    n = max(1, start)
    # square-root rule start for very large loads, then step down while still good
    if load > 200:
        n = max(n, int(load + 0.5 * math.sqrt(load)))
        while n > start and compute(n - 1).service_level >= target:
            n -= 1
    result = compute(n)
    while result.service_level < target and n < MAX_AGENTS:
        n += 1
        result = compute(n)
    if max_occupancy < 1.0:
        floor_n = math.ceil(load / max_occupancy)
        if floor_n > n:
            n = floor_n
            result = compute(n)
    scheduled = math.ceil(n / (1.0 - shrinkage) - 1e-9)
    return Staffing(result, n, scheduled, load)
