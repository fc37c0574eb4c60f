"""A scripted stretch of a call centre's day, told both ways: as the AMI events the switch
sends live, and as the queue_log lines it writes for the next morning's import. The tests
(and the listener's benchmark) play one and import the other, and compare.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class ScriptedCall:
    callid: str
    queue: str
    caller: str
    joined: int  # Unix seconds
    outcome: str  # answered, abandoned, timeout
    wait: int
    talk: int = 0
    agent: str = ""


def morning(
    start: int, calls: int = 60, seed: int = 7, agents: tuple[str, ...] = ("1001", "1002")
) -> list[ScriptedCall]:
    """``calls`` calls from ``start``, one every ~40 s, over two queues, mostly answered."""
    rng = random.Random(seed)
    script, at = [], start
    for n in range(calls):
        at += rng.randint(10, 70)
        roll = rng.random()
        outcome = "answered" if roll < 0.8 else "abandoned" if roll < 0.95 else "timeout"
        script.append(
            ScriptedCall(
                callid=f"{start}.{n}",
                queue=rng.choice(["info", "voirie"]),
                caller=rng.choice(
                    ["0612345678", "+33491000000", "anonymous", f"06{rng.randint(10**7, 10**8 - 1)}"]
                ),
                joined=at,
                outcome=outcome,
                wait=rng.randint(2, 90),
                talk=rng.randint(30, 400) if outcome == "answered" else 0,
                agent=rng.choice(agents) if outcome == "answered" else "",
            )
        )
    return script


def ami_events(script: list[ScriptedCall]) -> list[tuple[int, dict[str, str]]]:
    """(time, message) of every AMI event of the script, in time order."""
    out: list[tuple[int, int, dict[str, str]]] = []
    for order, c in enumerate(script):
        base = {"Queue": c.queue, "Uniqueid": c.callid, "CallerIDNum": c.caller}
        out.append((c.joined, order, {"Event": "QueueCallerJoin", **base, "Position": "1", "Count": "1"}))
        left = c.joined + c.wait
        if c.outcome == "answered":
            member = {"Interface": f"PJSIP/{c.agent}", "MemberName": f"PJSIP/{c.agent}"}
            out.append((left - 1, order, {"Event": "AgentCalled", **base, **member}))
            out.append((left, order, {"Event": "QueueCallerLeave", **base, "Position": "1", "Count": "0"}))
            out.append((left, order, {"Event": "AgentConnect", **base, **member, "HoldTime": str(c.wait)}))
            out.append(
                (
                    left + c.talk,
                    order,
                    {
                        "Event": "AgentComplete",
                        **base,
                        **member,
                        "HoldTime": str(c.wait),
                        "TalkTime": str(c.talk),
                        "Reason": "caller",
                    },
                )
            )
        elif c.outcome == "abandoned":
            out.append(
                (
                    left,
                    order,
                    {
                        "Event": "QueueCallerAbandon",
                        **base,
                        "Position": "1",
                        "OriginalPosition": "1",
                        "HoldTime": str(c.wait),
                    },
                )
            )
        else:
            out.append((left, order, {"Event": "QueueCallerLeave", **base, "Position": "1", "Count": "0"}))
        out.append((left + c.talk + 1, order, {"Event": "Hangup", "Uniqueid": c.callid, "Cause": "16"}))
    out.sort(key=lambda item: (item[0], item[1]))
    return [(at, message) for at, _order, message in out]


def queue_log(script: list[ScriptedCall]) -> list[str]:
    """The queue_log lines Asterisk writes for the same calls, in time order."""
    lines: list[tuple[int, str]] = []
    for c in script:
        lines.append((c.joined, f"{c.joined}|{c.callid}|{c.queue}|NONE|ENTERQUEUE||{c.caller}|1"))
        left = c.joined + c.wait
        if c.outcome == "answered":
            agent = f"PJSIP/{c.agent}"
            lines.append((left, f"{left}|{c.callid}|{c.queue}|{agent}|CONNECT|{c.wait}|{c.callid}.1|1"))
            end = left + c.talk
            lines.append((end, f"{end}|{c.callid}|{c.queue}|{agent}|COMPLETECALLER|{c.wait}|{c.talk}|1"))
        elif c.outcome == "abandoned":
            lines.append((left, f"{left}|{c.callid}|{c.queue}|NONE|ABANDON|1|1|{c.wait}"))
        else:
            lines.append((left, f"{left}|{c.callid}|{c.queue}|NONE|EXITWITHTIMEOUT|1|1|{c.wait}"))
    lines.sort(key=lambda item: item[0])
    return [line for _at, line in lines]
