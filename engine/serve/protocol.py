"""Connections: at most ``--max-connections`` open, and none held by a client that stalls.

uvicorn's HTTP protocol with two guards. A connection past the cap is
answered 503 and closed as soon as it opens. A connection on which no request
is being answered (a new one, one between requests, one whose request head is
arriving, or one still sending a body its answer did not read) must make
progress within ``--read-timeout`` seconds of entering that state: a
half-sent request head then gets a 408, anything else is closed. While a
request is being answered, the application's own limits apply (the body's
read timeout, the evaluation timeout).
"""
from __future__ import annotations

import json


def guarded_protocol(max_connections: int, read_timeout: float):
    """uvicorn's h11 protocol class, guarded (made here: uvicorn is imported only when serving)."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    busy = _raw(503, "Service Unavailable", {"error": f"the server has {max_connections:,} connections open, "
                                                      "the most it takes (--max-connections); retry shortly"},
                "Retry-After: 1\r\n")
    stalled = _raw(408, "Request Timeout", {"error": f"the request did not arrive within {read_timeout:g} s "
                                                     "(--read-timeout)"})

    class Guarded(H11Protocol):
        _timer = None
        _refused = False

        def connection_made(self, transport) -> None:
            if len(self.connections) >= max_connections:
                self._refused = True
                transport.write(busy)
                transport.close()
                return
            super().connection_made(transport)
            self._watch()

        def data_received(self, data: bytes) -> None:
            if self._refused:
                return
            super().data_received(data)
            self._watch()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._watch()

        def connection_lost(self, exc) -> None:
            self._cancel()
            if not self._refused:
                super().connection_lost(exc)

        def _watch(self) -> None:
            answering = self.cycle is not None and not self.cycle.response_complete
            if answering or self.transport.is_closing():
                self._cancel()
            elif self._timer is None:  # not moved by later bytes: a trickle does not keep it open
                self._timer = self.loop.call_later(read_timeout, self._expired)

        def _cancel(self) -> None:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None

        def _expired(self) -> None:
            self._timer = None
            if self.transport.is_closing() or (self.cycle is not None and not self.cycle.response_complete):
                return
            if self.conn.their_state is h11.IDLE and self.conn.trailing_data[0]:
                self.transport.write(stalled)  # a request head began and never ended
            self.transport.close()

    return Guarded


def _raw(status: int, reason: str, doc: dict, extra: str = "") -> bytes:
    body = json.dumps(doc).encode()
    head = (f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n"
            f"connection: close\r\n{extra}\r\n")
    return head.encode() + body
