"""The HTTP client the chat model is called through: it keeps the connection to the model server open from one
question to the next, also after a streamed answer.

The openai SDK's synchronous stream stops reading at `data: [DONE]` and closes the response before the last
bytes of the chunked body (its terminating empty chunk) are read. httpcore then drops the connection instead of
returning it to the pool (openai-python issue #3440; its async stream drains, the sync one does not), so every
question would open a new TCP connection, and a new TLS session with a remote server. The SDK's maintainers
prefer this handled in the transport, which is what this does: after [DONE], the rest of the body is read on a
background thread, so the answer never waits for it, and the connection goes back to the pool. A server that
keeps the stream open after [DONE] only holds that background read, until the client's read timeout.
"""

from __future__ import annotations

import threading

import httpx2

_DONE = b"data: [DONE]"
_MAX_TAIL_CHUNKS = 64  # what may follow [DONE]: the terminating chunk, maybe a blank line or a comment


class _DrainAfterDone(httpx2.SyncByteStream):
    """A response body that, when closed right after an SSE stream's [DONE], first reads what remains."""

    def __init__(self, inner: httpx2.SyncByteStream):
        self._inner = inner
        self._it = None
        self._tail = b""
        self._exhausted = False

    def __iter__(self):
        self._it = iter(self._inner)
        for chunk in self._it:
            self._tail = (self._tail + chunk)[-64:]
            yield chunk
        self._exhausted = True

    def close(self) -> None:
        it, self._it = self._it, None
        if it is not None and not self._exhausted and self._tail.rstrip().endswith(_DONE):
            # a daemon thread: a process that exits (the CLI, after one answer) never waits for it
            threading.Thread(target=self._drain, args=(it,), name="bot-http-drain", daemon=True).start()
        else:
            self._inner.close()

    def _drain(self, it) -> None:
        try:
            for n, _ in enumerate(it, 1):
                if n >= _MAX_TAIL_CHUNKS:  # more than a terminator: not worth reading on
                    break
        except Exception:  # noqa: BLE001 - a read error only means the connection is not reused
            pass
        finally:
            self._inner.close()


class KeepAliveTransport(httpx2.BaseTransport):
    """httpx2's transport, with streamed bodies drained after [DONE] so the connection is reused."""

    def __init__(self, **kwargs):
        self._inner = httpx2.HTTPTransport(**kwargs)

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        r = self._inner.handle_request(request)
        body = _DrainAfterDone(r.stream)
        return httpx2.Response(r.status_code, headers=r.headers, stream=body, extensions=r.extensions)

    def close(self) -> None:
        self._inner.close()


def model_http_client() -> httpx2.Client:
    """An httpx2 client with the openai SDK's defaults (redirects followed, its pool limits) and the transport
    above. Per-request timeouts still come from the SDK (BOT_LLM_TIMEOUT_S)."""
    from openai import DefaultHttpxClient

    limits = httpx2.Limits(max_connections=1000, max_keepalive_connections=100)  # the SDK's own
    return DefaultHttpxClient(transport=KeepAliveTransport(limits=limits))
