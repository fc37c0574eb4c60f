"""A fake Asterisk Manager Interface for the tests and the benchmark: it speaks the protocol's
``key: value`` blocks, checks the login, answers QueueStatus, plays scripted events (split
across packets when asked) and can drop the connection in the middle."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from cti.ami import END, format_action, parse_message


def block(message: dict[str, str]) -> bytes:
    return ("\r\n".join(f"{k}: {v}" for k, v in message.items()) + "\r\n\r\n").encode()


@dataclass
class FakeAmi:
    username: str = "allo"
    secret: str = "s3cret"
    events: asyncio.Queue = field(default_factory=asyncio.Queue)
    status_events: list[dict[str, str]] = field(default_factory=list)
    chunk: int = 0  # >0: write every block in pieces of this many bytes
    logins: int = 0
    refused: int = 0
    drop_after: int | None = None  # close the connection after this many events (once)
    server: asyncio.AbstractServer | None = None
    port: int = 0

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self.server:
            self.server.close()
            await self.server.wait_closed()

    async def _write(self, writer: asyncio.StreamWriter, data: bytes) -> None:
        if not self.chunk:
            writer.write(data)
        else:
            for start in range(0, len(data), self.chunk):
                writer.write(data[start : start + self.chunk])
                await writer.drain()
                await asyncio.sleep(0)
        await writer.drain()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"Asterisk Call Manager/9.0.0\r\n")
        try:
            login = parse_message((await reader.readuntil(END))[:-4])
            ok = login.get("Username") == self.username and login.get("Secret") == self.secret
            reply = {"Response": "Success" if ok else "Error", "ActionID": login.get("ActionID", "")}
            reply["Message"] = "Authentication accepted" if ok else "Authentication failed"
            await self._write(writer, block(reply))
            if not ok:
                self.refused += 1
                return
            self.logins += 1
            status = parse_message((await reader.readuntil(END))[:-4])
            if status.get("Action") == "QueueStatus":
                await self._write(
                    writer,
                    block(
                        {"Response": "Success", "ActionID": status.get("ActionID", ""), "EventList": "start"}
                    ),
                )
                for message in self.status_events:
                    await self._write(writer, block(message))
                await self._write(
                    writer, block({"Event": "QueueStatusComplete", "ActionID": status.get("ActionID", "")})
                )
            sent = 0
            while True:
                message = await self.events.get()
                if message is None:
                    return
                await self._write(writer, block(message))
                sent += 1
                if self.drop_after is not None and sent >= self.drop_after:
                    self.drop_after = None
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        finally:
            writer.close()


__all__ = ["FakeAmi", "block", "format_action"]
