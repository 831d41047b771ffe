"""A lean HTTP/1.1 client for timing requests: keep-alive connections on loopback, requests
written whole, a response counted done when its last body byte arrives. Its own cost per
response is a few microseconds, so what it measures is the server."""

from __future__ import annotations

import asyncio
import time


class _Connection(asyncio.Protocol):
    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self._buffer = bytearray()
        self._waiter: asyncio.Future[tuple[int, bytes, float]] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        done_at = time.perf_counter()
        self._buffer += data
        head_end = self._buffer.find(b"\r\n\r\n")
        if head_end < 0 or self._waiter is None or self._waiter.done():
            return
        head = bytes(self._buffer[:head_end]).decode("latin-1")
        length = 0
        for line in head.split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        end = head_end + 4 + length
        if len(self._buffer) < end:
            return
        status = int(head.split(" ", 2)[1])
        body = bytes(self._buffer[head_end + 4 : end])
        del self._buffer[:end]
        self._waiter.set_result((status, body, done_at))

    def connection_lost(self, exc: Exception | None) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(ConnectionError("closed by the server"))

    def send(self, request: bytes) -> asyncio.Future[tuple[int, bytes, float]]:
        assert self.transport is not None
        self._waiter = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return self._waiter


class Client:
    """``connections`` keep-alive connections to ``127.0.0.1:port``."""

    def __init__(self, port: int, connections: int) -> None:
        self.port = port
        self.count = connections
        self._connections: list[_Connection] = []

    async def __aenter__(self) -> Client:
        loop = asyncio.get_running_loop()
        for _ in range(self.count):
            _, protocol = await loop.create_connection(_Connection, "127.0.0.1", self.port)
            self._connections.append(protocol)
        return self

    async def __aexit__(self, *_: object) -> None:
        for connection in self._connections:
            if connection.transport is not None:
                connection.transport.close()

    async def burst(self, requests: list[bytes]) -> list[tuple[int, bytes, float]]:
        """Send one request on each connection at the same moment; (status, body, seconds)
        for each, timed from the moment its request was written."""
        assert len(requests) <= len(self._connections)
        started: list[float] = []
        waiters = []
        for connection, request in zip(self._connections, requests, strict=False):
            started.append(time.perf_counter())
            waiters.append(connection.send(request))
        answers = await asyncio.gather(*waiters)
        return [
            (status, body, done - begun)
            for (status, body, done), begun in zip(answers, started, strict=True)
        ]


def post(path: str, body: str, headers: dict[str, str]) -> bytes:
    data = body.encode()
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(data)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + data
