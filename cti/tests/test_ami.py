"""The AMI client against a fake server speaking the protocol: login, split packets, reconnection."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from cti.ami import AmiClient, Backoff, parse_message
from cti.tests.ami_server import FakeAmi

JOIN = {"Event": "QueueCallerJoin", "Queue": "info", "Uniqueid": "1.1", "CallerIDNum": "0612345678"}


def run(coroutine):
    """In a thread of its own: the browser tests leave an event loop running in this one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, asyncio.wait_for(coroutine, timeout=20)).result()


SECRET = "s3cret"  # noqa: S105 (the fake server's)


async def _listen(server: FakeAmi, *, secret: str = SECRET, until: int = 1, statuses: list | None = None):
    received: list[dict[str, str]] = []
    stop = asyncio.Event()

    async def on_event(message: dict[str, str]) -> None:
        received.append(message)
        if len(received) >= until:
            stop.set()

    async def on_status(connected: bool, detail: str) -> None:
        if statuses is not None:
            statuses.append((connected, detail))
            if not connected and detail.startswith("login refused"):
                stop.set()

    client = AmiClient("127.0.0.1", server.port, "allo", secret, on_event, on_status, Backoff(0.01, 0.05))
    await client.run(stop)
    return client, received


def test_parse_message_keeps_colons_in_values_and_ignores_junk():
    raw = b"Event: Hangup\r\nUniqueid: 17.3\r\nChannel: PJSIP/1001-0000002a\r\nMessage: a: b\r\nnonsense"
    assert parse_message(raw) == {
        "Event": "Hangup",
        "Uniqueid": "17.3",
        "Channel": "PJSIP/1001-0000002a",
        "Message": "a: b",
    }


def test_login_failure_is_reported_and_nothing_is_read():
    async def scenario():
        server = FakeAmi()
        await server.start()
        await server.events.put(JOIN)
        statuses: list = []
        client, received = await _listen(server, secret="wrong", statuses=statuses)
        await server.stop()
        return server, client, received, statuses

    server, client, received, statuses = run(scenario())
    assert server.refused == 1 and server.logins == 0
    assert received == [] and client.sessions == 0
    assert statuses[-1] == (False, "login refused: Authentication failed")


def test_events_split_across_packets_arrive_whole_with_the_queue_status_first():
    async def scenario():
        server = FakeAmi(chunk=7)
        server.status_events = [
            {
                "Event": "QueueMember",
                "Queue": "info",
                "MemberName": "PJSIP/1001",
                "Status": "1",
                "Paused": "0",
            }
        ]
        await server.start()
        for n in range(3):
            await server.events.put({**JOIN, "Uniqueid": f"1.{n}"})
        _client, received = await _listen(server, until=5)
        await server.stop()
        return received

    received = run(scenario())
    assert [m["Event"] for m in received] == ["QueueMember", "QueueStatusComplete", *["QueueCallerJoin"] * 3]
    assert [m["Uniqueid"] for m in received[2:]] == ["1.0", "1.1", "1.2"]
    assert received[2]["CallerIDNum"] == "0612345678"


def test_the_client_reconnects_after_the_switch_drops_the_connection():
    async def scenario():
        server = FakeAmi(drop_after=2)
        await server.start()
        for n in range(5):
            await server.events.put({**JOIN, "Uniqueid": f"2.{n}"})
        statuses: list = []
        client, received = await _listen(server, until=7, statuses=statuses)
        await server.stop()
        return server, client, received, statuses

    server, client, received, statuses = run(scenario())
    joins = [m["Uniqueid"] for m in received if m["Event"] == "QueueCallerJoin"]
    assert joins == [f"2.{n}" for n in range(5)]  # nothing lost, in order
    assert server.logins == 2 and client.sessions == 2
    assert (False, "connection closed") in statuses or any(not up for up, _ in statuses)
    assert [up for up, _ in statuses].count(True) == 2


def test_backoff_doubles_up_to_its_ceiling_and_resets():
    backoff = Backoff(1, 8)
    assert [backoff.next() for _ in range(5)] == [1, 2, 4, 8, 8]
    backoff.reset()
    assert backoff.next() == 1


@pytest.mark.django_db(transaction=True)
def test_the_listener_keeps_the_live_state_from_the_switchs_events():
    from cti.management.commands.telephony_listen import Listener
    from cti.models import ListenerStatus, LiveCall, LiveMember

    listener = Listener("test")

    async def scenario():
        server = FakeAmi(chunk=11)
        member = {"Queue": "info", "MemberName": "PJSIP/1001", "Interface": "PJSIP/1001"}
        server.status_events = [{"Event": "QueueMember", **member, "Status": "1", "Paused": "0"}]
        await server.start()
        call = {**JOIN, "Uniqueid": "5.1"}
        for message in (
            call,
            {**call, **member, "Event": "AgentConnect", "HoldTime": "9"},
            {**call, **member, "Event": "AgentComplete", "TalkTime": "40"},
            {"Event": "Nonsense", "Foo": "bar"},
        ):
            await server.events.put(message)
        stop = asyncio.Event()

        async def on_event(message: dict[str, str]) -> None:
            await listener.on_event(message)
            if message.get("Event") == "Nonsense":
                stop.set()

        await AmiClient("127.0.0.1", server.port, "allo", SECRET, on_event, listener.on_status).run(stop)
        await server.stop()

    run(scenario())
    listener.executor.shutdown()
    call = LiveCall.objects.get()
    assert (call.state, call.wait, call.talk, call.agent) == ("done", 9, 40, "PJSIP/1001")
    assert LiveMember.objects.get().state == "available"
    assert listener.applied == 4  # the member, the join, the connect, the end
    assert ListenerStatus.objects.get(name="test").connected
