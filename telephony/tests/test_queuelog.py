"""Parser and call rebuilding on hand-made logs, with figures computed by hand."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from telephony import kpi
from telephony.queuelog import ABANDONED, ANSWERED, OTHER, TIMEOUT, TRANSFER, UNKNOWN, parse_text

# 2026-03-02 (Monday) 23:59:50 Paris = 22:59:50 UTC = 1772492390
T0 = 1772492390

MESSY = f"""{T0}|c1|info|NONE|ENTERQUEUE||0600000001|1
{T0 + 5}|c2|info|NONE|ENTERQUEUE||0600000002|2
{T0 + 8}|c2|info|NONE|ABANDON|1|2|3
{T0 + 15}|c1|info|agent-1|CONNECT|15|c1.1|2
{T0 + 100}|c1|info|agent-1|COMPLETECALLER|15|85|1
{T0 + 110}|c3|info|NONE|ENTERQUEUE||0600000003|1
{T0 + 410}|c3|info|NONE|EXITWITHTIMEOUT|1|1|300
{T0 + 410}|c3|overflow|NONE|ENTERQUEUE||0600000003|1
{T0 + 440}|c3|overflow|agent-2|CONNECT|30|c3.1|3
{T0 + 500}|c3|overflow|agent-2|BLINDTRANSFER|3013|internal|30|60|1
{T0 + 600}|c4|info|NONE|ENTERQUEUE||0600000004|1
{T0 + 620}|NONE|NONE|NONE|QUEUESTART|
{T0 + 630}|c4|info|agent-1|COMPLETEAGENT|10|10|1
{T0 + 700}|c5|info|NONE|ENTERQUEUE||0600000005|1
{T0 + 760}|c5|info|NONE|EXITWITHKEY|1|1|1|60
{T0 + 800}|c6|info|NONE|FROBNICATE|x
not|a|valid|line
{T0 + 900}|c7|info|agent-9|CONNECT|3|x|1
"""


def test_messy_log_rebuilt_by_hand():
    passages, calls, _agents, report = parse_text(MESSY)
    by = {(p.callid, p.queue): p for p in passages}
    # c1: crosses midnight, answered after 15 s, talked 85 s
    assert by[("c1", "info")].outcome == ANSWERED
    assert (by[("c1", "info")].wait, by[("c1", "info")].talk) == (15, 85)
    # c2: short abandon after 3 s
    assert by[("c2", "info")].outcome == ABANDONED and by[("c2", "info")].wait == 3
    # c3: timeout in info (300 s), overflow, answered after 30 s, blind transfer after 60 s
    assert by[("c3", "info")].outcome == TIMEOUT and by[("c3", "info")].wait == 300
    assert by[("c3", "overflow")].outcome == TRANSFER and by[("c3", "overflow")].talk == 60
    # c4: restart without end -> unknown, ended at the QUEUESTART time
    assert by[("c4", "info")].outcome == UNKNOWN and by[("c4", "info")].end_ts == T0 + 620
    # c5: caller left by key after 60 s
    assert by[("c5", "info")].outcome == OTHER and by[("c5", "info")].wait == 60
    assert len(passages) == 6
    # calls: c3 has two passages, reported on its first queue, answered, waits summed
    c3 = next(c for c in calls if c.callid == "c3")
    assert (c3.passages, c3.queue, c3.answered, c3.total_wait) == (2, "info", True, 330)
    assert len(calls) == 5
    # report: 18 lines, the lines with no open passage and the bad one are skipped with numbers
    assert report.lines_read == 18
    assert report.skipped == [
        (13, "COMPLETE without an answered passage for this call and queue"),
        (17, "4 fields, at least 5 expected"),
        (18, "CONNECT without an open ENTERQUEUE for this call and queue"),
    ]
    assert report.unknown_events == {"FROBNICATE": 1}
    assert report.unknown_closed == 1


def test_counters_of_messy_log_by_hand():
    passages, _c, _a, _r = parse_text(MESSY)
    c = kpi.Counters(
        offered=len(passages),
        answered=sum(p.answered for p in passages),
        abandoned=sum(p.outcome == ABANDONED for p in passages),
        short_abandoned=sum(p.outcome == ABANDONED and p.wait < 5 for p in passages),
        timeouts=sum(p.outcome == TIMEOUT for p in passages),
        other_exits=sum(p.outcome == OTHER for p in passages),
        unknown=sum(p.outcome == UNKNOWN for p in passages),
        answered_in_sl=sum(p.answered and p.wait <= 20 for p in passages),
        abandoned_in_sl=sum(p.outcome == ABANDONED and p.wait <= 20 for p in passages),
    )
    # by hand: 6 offered; answered c1 (15 s) and c3/overflow (30 s); abandoned c2 (3 s, short)
    assert (c.offered, c.answered, c.abandoned, c.short_abandoned) == (6, 2, 1, 1)
    assert (c.timeouts, c.other_exits, c.unknown) == (1, 1, 1)
    assert c.answered_in_sl == 1
    # F6: 1 / (6 - 1 unknown - 1 short) = 0.25 ; F2: 1/2 ; F1: (1+1)/(2+1)
    assert kpi.service_level(c, "F6") == 0.25
    assert kpi.service_level(c, "F2") == 0.5
    assert kpi.service_level(c, "F1") == 2 / 3


def test_attended_transfer_between_queues_issue_759():
    text = """1717397259|A|1501|NONE|ENTERQUEUE||9031396745|1
1717397271|A|1501|PJSIP/7009|CONNECT|12|x|11
1717397390|B|1509|NONE|ENTERQUEUE||7009|1
1717397391|B|1501|PJSIP/7009|ATTENDEDTRANSFER|APP|Queue|12|120|1
1717397397|A|1509|PJSIP/7051|CONNECT|7|y|6
1717397570|A|1509|PJSIP/7051|COMPLETEAGENT|7|173|1
"""
    passages, calls, _a, report = parse_text(text)
    assert [(p.callid, p.queue, p.outcome, p.wait, p.talk) for p in passages] == [
        ("A", "1501", TRANSFER, 12, 120),
        ("A", "1509", ANSWERED, 7, 173),
    ]
    assert [(c.callid, c.passages, c.total_wait) for c in calls] == [("A", 2, 19)]
    assert report.skipped_count == 0


def test_published_service_level_example():
    """ICMI/callcentrehelper: 1000 answered (860 ≤ 20 s), 60 abandoned (20 ≤ 20 s, 10 ≤ 5 s)."""
    c = kpi.Counters(
        offered=1060, answered=1000, abandoned=60, answered_in_sl=860, abandoned_in_sl=20, short_abandoned=10
    )
    assert round(kpi.service_level(c, "F1"), 4) == 0.8302
    assert kpi.service_level(c, "F2") == 0.86
    assert round(kpi.service_level(c, "F3"), 4) == 0.8113
    assert round(kpi.service_level(c, "F4"), 4) == 0.8269
    assert round(kpi.service_level(c, "F5"), 4) == 0.8208
    assert round(kpi.service_level(c, "F6"), 4) == 0.8190


EVENTS = st.lists(
    st.tuples(
        st.integers(0, 5),  # call id
        st.sampled_from(["q1", "q2"]),
        st.sampled_from(
            ["ENTERQUEUE", "CONNECT", "COMPLETECALLER", "ABANDON", "EXITWITHTIMEOUT", "EXITEMPTY",
             "BLINDTRANSFER", "QUEUESTART", "RINGNOANSWER", "WHATEVER"]
        ),
        st.integers(0, 120),
    ),
    max_size=60,
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(EVENTS)
def test_offered_equals_answered_plus_abandoned_plus_other_exits(events):
    ts = 1_772_000_000
    lines = []
    for callid, queue, event, step in events:
        ts += step
        data = {
            "ENTERQUEUE": "|0600|1",
            "CONNECT": "|5|u|1",
            "COMPLETECALLER": "|5|30|1",
            "ABANDON": "|1|1|4",
        }
        lines.append(f"{ts}|c{callid}|{queue}|agent|{event}{data.get(event, '|1|1|9|9|1')}")
    passages, calls, _a, report = parse_text("\n".join(lines) + "\n")
    offered = sum(1 for line in lines if "|ENTERQUEUE|" in line)
    assert len(passages) == offered
    answered = sum(p.answered for p in passages)
    others = sum(p.outcome in (ABANDONED, TIMEOUT, OTHER, UNKNOWN) for p in passages)
    assert offered == answered + others
    assert sum(c.passages for c in calls) == len(passages)


def test_talk_time_of_each_transfer_layout():
    """research §1.3: TRANSFER (1.4: exten|context|hold|calltime; 1.6-11: + origpos),
    BLINDTRANSFER (exten|context|hold|calltime|origpos), ATTENDEDTRANSFER (method with one
    or two fields, then hold|calltime|origpos)."""
    layouts = {
        "t14": "TRANSFER|300|from-internal|12|300",
        "t16": "TRANSFER|300|from-internal|12|300|1",
        "blind": "BLINDTRANSFER|300|from-internal|12|300|1",
        "app": "ATTENDEDTRANSFER|APP|Queue|12|300|1",
        "link": "ATTENDEDTRANSFER|LINK|PJSIP/a-1|PJSIP/b-2|12|300|1",
        "old": "TRANSFER|300|from-internal",  # 1.2: no times: the talk is measured
    }
    lines = []
    for n, (callid, tail) in enumerate(layouts.items()):
        start = T0 + 1000 * n
        lines += [
            f"{start}|{callid}|q{n}|NONE|ENTERQUEUE||06|1",
            f"{start + 12}|{callid}|q{n}|ag|CONNECT|12|x|1",
            f"{start + 250}|{callid}|q{n}|ag|{tail}",
        ]
    passages, _calls, _agents, report = parse_text("\n".join(lines) + "\n")
    assert {p.callid: (p.outcome, p.wait, p.talk) for p in passages} == {
        "t14": (TRANSFER, 12, 300),
        "t16": (TRANSFER, 12, 300),
        "blind": (TRANSFER, 12, 300),
        "app": (TRANSFER, 12, 300),
        "link": (TRANSFER, 12, 300),
        "old": (TRANSFER, 12, 238),
    }
    assert report.skipped_count == 0
