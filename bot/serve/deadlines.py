"""Connections have deadlines: a client must finish a request's headers within `BOT_HEADER_TIMEOUT_S` of
connecting (or of its previous response), and one address may hold at most `BOT_MAX_CONNECTIONS_PER_CLIENT`
connections at once. A client that sends its headers a byte at a time is dropped, and a few hundred of them
cannot use up the server's open files.

uvicorn has no header timeout of its own (its keep-alive timeout starts only after a response), so this is its
HTTP protocol with two timers' worth of code on top; `bot.serve.server.uvicorn_config` installs it. Connections
from a trusted proxy (BOT_TRUSTED_PROXIES) are not counted per address: they carry many clients.
"""

from __future__ import annotations

import json
import logging
from collections import Counter

from bot.serve.guard import in_networks, parse_networks

log = logging.getLogger(__name__)


def _base_protocol() -> type:
    try:
        import httptools  # noqa: F401 - uvicorn's faster parser, when installed (as "auto" would pick it)
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

        return HttpToolsProtocol
    except ImportError:
        from uvicorn.protocols.http.h11_impl import H11Protocol

        return H11Protocol


def protocol(header_timeout_s: float = 10.0, per_client: int = 50, trusted=()) -> type:
    """uvicorn's HTTP protocol with a header deadline and a per-address connection cap (0 turns either off)."""
    nets = parse_networks(trusted)
    body = json.dumps({"error": "Too many connections from you; close some and try again."}).encode()
    refused = (
        b"HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\nretry-after: 5\r\n"
        b"connection: close\r\ncontent-length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )

    class Deadlined(_base_protocol()):
        open_by_address: Counter = Counter()

        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self._timer, self._armed, self._counted = None, None, False
            peer = transport.get_extra_info("peername")
            self._peer = str(peer[0]) if peer else ""
            if per_client and not (nets and in_networks(self._peer, nets)):
                if self.open_by_address[self._peer] >= per_client:
                    log.info("%s: over %d connections at once, refused", self._peer, per_client)
                    transport.write(refused)
                    transport.close()
                    return
                self.open_by_address[self._peer] += 1
                self._counted = True
            self._arm()

        def _arm(self) -> None:
            if not header_timeout_s:
                return
            self._cancel()
            self._armed = self.cycle  # a new request replaces it as soon as its headers are in
            self._timer = self.loop.call_later(header_timeout_s, self._expire)

        def _cancel(self) -> None:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None

        def _expire(self) -> None:
            self._timer = None
            if self.cycle is self._armed and not self.transport.is_closing():
                log.info("%s: no complete request headers within %g s, connection closed", self._peer,
                         header_timeout_s)  # fmt: skip
                self.transport.close()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._arm()  # the next request on this connection has the same deadline

        def connection_lost(self, exc) -> None:
            self._cancel()
            if self._counted:
                self._counted = False
                self.open_by_address[self._peer] -= 1
                if self.open_by_address[self._peer] <= 0:
                    del self.open_by_address[self._peer]
            super().connection_lost(exc)

    return Deadlined


__all__ = ["protocol"]
