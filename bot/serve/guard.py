"""What stands between a hostile client and the work: per-client limits, body caps, load shedding, one error shape.

`Guard` is a plain ASGI middleware around the whole app (the JSON API and the mounted Gradio chat alike):

- the client is the TCP peer, or, only when that peer is a trusted proxy (BOT_TRUSTED_PROXIES, default none),
  the nearest untrusted address in X-Forwarded-For; downstream code (FastAPI, Gradio) sees that address;
- a request body is read at most up to BOT_MAX_BODY_BYTES (a larger Content-Length is refused before a byte is
  read) and must be valid Unicode (a lone UTF-16 surrogate such as "\\ud800" is a 400); a JSON body nested over
  MAX_JSON_DEPTH levels is a 400, judged before anything parses it;
- the admin API's token is checked before its body is read, and an address with too many wrong tokens (or every
  address, past a global budget) is locked out before its token is looked at (`Lockout`);
- every POST counts against the client's request budget; questions (the API's ask routes, the chat's answer
  events, its `chat` API) against the question budget, shared by every surface; feedback (the API's and the
  chat's 👍/👎) against the feedback budget;
- the chat takes no files, so Gradio's upload route is refused;
- opening a document in the source viewer (GET /source/…) counts against the view budget;
- every 4xx, ours or the frameworks', has the shape {"error": "..."};
- every response says which sites may frame it (Content-Security-Policy: frame-ancestors, from
  BOT_ALLOWED_ORIGINS).

`RateLimiter` is a sliding window per client that forgets idle clients in amortised O(1); `InFlight` lets each
client have one question in flight and sheds load (503 + Retry-After) once the queue is longer than the latency
target allows.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from pathlib import Path

from bot.ingest.text import has_lone_surrogate

SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
BODY_METHODS = {"POST", "PUT", "PATCH"}
VIEW_PREFIX = "/source/"  # the source viewer (bot/serve/viewer.py): GETs that do work
OPEN_API = ("/api/admin/", "/api/health")  # not behind BOT_API_KEYS: the admin token guards one, the other is health
log = logging.getLogger(__name__)
admin_log = logging.getLogger("bot.admin")


class RateLimiter:
    """At most `limit` events per client in any `window` seconds (a sliding window, in memory).

    Clients are kept in the order of their last counted event, so the idle ones are at the front: each check
    first drops the clients idle for a whole window (amortised O(1): each client is dropped once per visit).
    At most `max_clients` are remembered; past that the longest idle is forgotten first."""

    def __init__(self, limit: int, window: float, max_clients: int = 200_000):
        self.limit, self.window, self.max_clients = limit, window, max_clients
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._hits)

    def wait(self, client: str, now: float | None = None) -> float:
        """The seconds `client` must wait before its next event would be allowed (0: now); nothing is counted."""
        now = time.monotonic() if now is None else now
        with self._lock:
            q = self._hits.get(client)
            live = [t for t in q if t > now - self.window] if q else []
            return max(0.001, live[-self.limit] + self.window - now) if len(live) >= self.limit else 0.0

    def check(self, client: str, now: float | None = None) -> float:
        """0 when allowed (and counted); otherwise the seconds to wait."""
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits
            while hits:
                first = next(iter(hits.values()))
                if first and first[-1] > now - self.window and len(hits) <= self.max_clients:
                    break
                hits.popitem(last=False)
            q = hits.get(client)
            if q is None:
                q = hits[client] = deque()
            while q and q[0] <= now - self.window:
                q.popleft()
            if len(q) >= self.limit:
                return max(0.001, q[0] + self.window - now)
            q.append(now)
            hits.move_to_end(client)
            return 0.0


class Lockout:
    """Wrong admin tokens: after `limit` failures from one client within `window` seconds, that client is refused
    before its token is even looked at, until the window has passed; after `global_limit` failures from all clients
    together, every client is (guessing from many addresses is slowed as much as from one). Only failures count."""

    def __init__(self, limit: int = 10, window: float = 600, global_limit: int = 100, max_clients: int = 100_000):
        self.clients = RateLimiter(limit, window, max_clients)
        self.everyone = RateLimiter(global_limit, window, 1)

    def locked(self, client: str, now: float | None = None) -> float:
        """0 when this client's token may be checked; otherwise the seconds it must wait."""
        return max(self.clients.wait(client, now), self.everyone.wait("*", now))

    def failed(self, client: str, now: float | None = None) -> None:
        self.clients.check(client, now)
        self.everyone.check("*", now)


class SharedRateLimiter:
    """The same budget as RateLimiter, shared by every process on the host: a sliding-window counter in SQLite
    (the count of the current window plus the previous window's, weighted by how much of it still overlaps).
    For `python -m bot serve --workers N`: a client gets one budget, whichever worker answers it."""

    def __init__(self, path, bucket: str, limit: int, window: float):
        import sqlite3

        self.bucket, self.limit, self.window = bucket, limit, window
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), timeout=5, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=OFF")  # a limiter's counts may be lost in a power cut
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS hits (bucket TEXT, client TEXT, win INTEGER, n INTEGER,"
            " PRIMARY KEY (bucket, client, win)) WITHOUT ROWID"
        )
        self._lock = threading.Lock()
        self._checks = 0

    def check(self, client: str, now: float | None = None) -> float:
        now = time.time() if now is None else now
        win = int(now // self.window)
        into = (now - win * self.window) / self.window  # how far into the current window
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                rows = dict(
                    db.execute(
                        "SELECT win, n FROM hits WHERE bucket = ? AND client = ? AND win IN (?, ?)",
                        (self.bucket, client, win, win - 1),
                    ).fetchall()
                )
                cur, prev = rows.get(win, 0), rows.get(win - 1, 0)
                if prev * (1 - into) + cur >= self.limit:
                    db.execute("COMMIT")
                    if cur >= self.limit:  # this window's own count: until it ends
                        return max(0.001, (1 - into) * self.window)
                    # until enough of the previous window has slid out: prev * (1 - x) + cur < limit
                    return max(0.001, (1 - (self.limit - cur) / prev - into) * self.window)
                db.execute(
                    "INSERT INTO hits VALUES (?, ?, ?, 1) ON CONFLICT (bucket, client, win) DO UPDATE SET n = n + 1",
                    (self.bucket, client, win),
                )
                self._checks += 1
                if self._checks % 1000 == 0:  # forget clients idle for two windows
                    db.execute("DELETE FROM hits WHERE win < ?", (win - 1,))
                db.execute("COMMIT")
                return 0.0
            except BaseException:
                db.execute("ROLLBACK")
                raise


def bearer_matches(header: str | None, keys) -> bool:
    """An `Authorization: Bearer <key>` header holding one of `keys` (compared in constant time)."""
    import hmac

    got = (header or "").removeprefix("Bearer ").strip().encode("utf-8", "replace")
    return bool(got) and any(hmac.compare_digest(got, k.encode("utf-8", "replace")) for k in keys if k)


class _Backoff:
    """A Redis that stopped answering is left alone for RETRY_S seconds (said once in the log each time)."""

    RETRY_S = 5.0

    def __init__(self, what: str):
        self.what = what
        self._down_until = 0.0

    def up(self) -> bool:
        return time.monotonic() >= self._down_until

    def failed(self, e: Exception) -> None:
        log.warning("%s: Redis does not answer (%s); per process for %.0f s", self.what, type(e).__name__, self.RETRY_S)
        self._down_until = time.monotonic() + self.RETRY_S


class RedisRateLimiter:
    """The budget shared by every server on every host: a sliding-window counter in Redis (the `limits`
    library's SlidingWindowCounterRateLimiter over its Redis storage). When Redis does not answer, this process
    counts by itself (a RateLimiter: the limit still holds per process), says so in the log, and tries Redis
    again 5 s later: a limiter outage is not an answering outage."""

    def __init__(self, url: str, bucket: str, limit: int, window: float, prefix: str = "bot"):
        from limits import RateLimitItemPerSecond
        from limits.storage import storage_from_string
        from limits.strategies import SlidingWindowCounterRateLimiter

        self.url, self.bucket = url, bucket
        self.storage = storage_from_string(
            url, key_prefix=f"{prefix}-limits", socket_timeout=0.5, socket_connect_timeout=0.5
        )
        self.limiter = SlidingWindowCounterRateLimiter(self.storage)
        self.item = RateLimitItemPerSecond(limit, max(1, round(window)))
        self.local = RateLimiter(limit, window)
        self.backoff = _Backoff(f"rate limits ({_redacted(url)})")

    def check(self, client: str, now: float | None = None) -> float:
        if self.backoff.up():
            try:
                if self.limiter.hit(self.item, self.bucket, client):
                    return 0.0
                stats = self.limiter.get_window_stats(self.item, self.bucket, client)
                return max(0.001, min(float(self.item.get_expiry()), stats.reset_time - time.time()))
            except Exception as e:  # noqa: BLE001 - redis raises ConnectionError, TimeoutError and more
                self.backoff.failed(e)
        return self.local.check(client, now)


def _redacted(url: str) -> str:
    return re.sub(r"//[^@/]*@", "//***@", url)


def is_redis(storage: str) -> bool:
    """BOT_RATE_LIMIT_STORAGE names a Redis: limits and in-flight questions shared across hosts."""
    return storage.startswith(("redis://", "rediss://", "unix://"))


def make_limiter(storage: str, data_dir, bucket: str, limit: int, window: float, prefix: str = "bot"):
    """'memory' (this process; 'auto' too: one web process holds the counts, also with --workers N),
    'sqlite' (every server process on this host: data_dir/ratelimit.sqlite), 'redis://host:port/db' (every
    server on every host that uses that Redis)."""
    if storage in ("memory", "auto"):
        return RateLimiter(limit, window)
    if storage == "sqlite":
        return SharedRateLimiter(Path(data_dir) / "ratelimit.sqlite", bucket, limit, window)
    if is_redis(storage):
        return RedisRateLimiter(storage, bucket, limit, window, prefix)
    raise ValueError(f"BOT_RATE_LIMIT_STORAGE={storage!r}: use 'memory', 'sqlite' or a redis:// URL")


class RedisSlots:
    """One question in flight per client across every server on every host: a Redis key per client while its
    question is answered (set only if absent, expiring after `ttl_s` in case a server dies mid-answer). When
    Redis does not answer, each server keeps only its own count (and says so in the log), as the limits do."""

    RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"

    def __init__(self, url: str, prefix: str = "bot", ttl_s: int = 60):
        import os

        import redis

        self.r = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.prefix, self.ttl_s = f"{prefix}-inflight:", ttl_s
        self.me = f"{os.getpid()}-{id(self)}"
        self.backoff = _Backoff("in-flight questions")
        self._release = None

    def take(self, client: str) -> bool:
        if not self.backoff.up():
            return True
        try:
            return bool(self.r.set(self.prefix + client, self.me, nx=True, ex=self.ttl_s))
        except Exception as e:  # noqa: BLE001 - redis raises ConnectionError, TimeoutError and more
            self.backoff.failed(e)
            return True

    def give_back(self, client: str) -> None:
        if not self.backoff.up():
            return
        try:
            if self._release is None:
                self._release = self.r.register_script(self.RELEASE)
            self._release(keys=[self.prefix + client], args=[self.me])
        except Exception as e:  # noqa: BLE001
            self.backoff.failed(e)


class InFlight:
    """Questions being answered. One per client; and no more in all than the server answers within `target_s`
    at its recent throughput (answers completed in the last `window_s` seconds), and never fewer than `floor`.
    A burst beyond that is told to come back (503 + Retry-After) at once, instead of waiting in a queue without
    bound: by Little's law the ones admitted then wait about `target_s`."""

    def __init__(
        self,
        target_s: float = 1.5,
        floor: int = 32,
        ceiling: int = 1024,
        per_client: int = 1,
        window_s: float = 5.0,
        shared: RedisSlots | None = None,
    ):
        self.target_s, self.floor, self.ceiling, self.per_client = target_s, floor, ceiling, per_client
        self.shared = shared  # one question in flight per client across hosts too (Redis)
        self.window_s = window_s
        self._by_client: dict[str, int] = {}
        self._total = 0
        self._done: deque[float] = deque()  # when recent answers completed
        self._lock = threading.Lock()

    def throughput(self, now: float | None = None) -> float:
        """Answers per second over the last window_s seconds."""
        now = time.monotonic() if now is None else now
        while self._done and self._done[0] < now - self.window_s:
            self._done.popleft()
        return len(self._done) / self.window_s

    @property
    def capacity(self) -> int:
        return int(max(self.floor, min(self.ceiling, self.target_s * self.throughput())))

    def enter(self, client: str) -> str | None:
        """None when admitted (call leave() after); else "client" (it has one in flight) or "full"."""
        with self._lock:
            if self._by_client.get(client, 0) >= self.per_client:
                return "client"
            if self._total >= self.capacity:
                return "full"
            if self.shared is not None and not self.shared.take(client):
                return "client"  # it has one in flight on another server
            self._by_client[client] = self._by_client.get(client, 0) + 1
            self._total += 1
            return None

    def leave(self, client: str, seconds: float | None = None) -> None:
        if self.shared is not None:
            self.shared.give_back(client)
        with self._lock:
            n = self._by_client.get(client, 0) - 1
            if n > 0:
                self._by_client[client] = n
            else:
                self._by_client.pop(client, None)
            self._total = max(0, self._total - 1)
            self._done.append(time.monotonic())

    def retry_after(self) -> int:
        """Seconds until the questions now in flight are likely answered."""
        with self._lock:
            rate = self.throughput()
        return max(1, min(30, round(self._total / rate))) if rate else 1


BUSY_CLIENT = "You already have a question being answered; ask the next one when it is done."
BUSY_SERVER = "The server is busy; please ask again in a moment."
REFUSED = {"client": BUSY_CLIENT, "full": BUSY_SERVER}  # what InFlight.enter's refusals say


def client_host(request) -> str:
    """The client of a Starlette or Gradio request: its peer address, as the guard resolved it."""
    client = getattr(request, "client", None) if request is not None else None
    return client.host if client else "unknown"


def parse_networks(items) -> list:
    nets = []
    for x in items or []:
        try:
            nets.append(ipaddress.ip_network(str(x).strip(), strict=False))
        except ValueError as e:
            raise ValueError(f"BOT_TRUSTED_PROXIES: {x!r} is not an IP address or network ({e})") from None
    return nets


def in_networks(addr: str, nets) -> bool:
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return False
    return any(ip in n for n in nets)


def client_address(peer: str | None, forwarded_for: str | None, trusted) -> str:
    """The client: the peer itself unless it is a trusted proxy; then, reading X-Forwarded-For from the right
    (each proxy appends the address it saw), the first address that is not a trusted proxy."""
    peer = peer or "unknown"
    if not trusted or not forwarded_for or not in_networks(peer, trusted):
        return peer
    chain = [a.strip() for a in forwarded_for.split(",") if a.strip()]
    for addr in reversed(chain):
        if not in_networks(addr, trusted):
            try:
                return str(ipaddress.ip_address(addr))
            except ValueError:
                return peer  # a made-up value from the client side: not an address; count it as the proxy's
    return chain[0] if chain else peer


async def send_error(send, status: int, message: str, headers: dict[str, str] | None = None) -> None:
    await _send_json(send, status, json.dumps({"error": message}, ensure_ascii=False).encode(), headers)


async def _send_json(send, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
    h = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    h += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": h})
    await send({"type": "http.response.body", "body": body})


class Guard:
    """The ASGI middleware (see the module's docstring). `classify(path, body)` names what a POST is:
    "question", "feedback", "upload", "bad" (refused with a 400) or None (other work)."""

    def __init__(
        self,
        app,
        *,
        trusted,
        max_body: int,
        posts: RateLimiter,
        questions: RateLimiter,
        feedback: RateLimiter,
        classify: Callable[[str, bytes], str | None],
        frame_ancestors: str,
        views: RateLimiter | None = None,
        admin_token: str | list[str] | None = None,
        admin_max_body: int = 0,
        auth_failures: RateLimiter | None = None,
        admin_lockout: Lockout | None = None,
        api_keys: list[str] | tuple[str, ...] = (),
        allowed_origins: list[str] | tuple[str, ...] = (),
    ):
        self.app = app
        self.trusted = trusted
        self.max_body = max_body
        self.posts, self.questions, self.feedback, self.views = posts, questions, feedback, views
        tokens = [admin_token] if isinstance(admin_token, str) else list(admin_token or [])
        self.admin_tokens, self.admin_max_body = [t for t in tokens if t], admin_max_body
        self.auth_failures = auth_failures or RateLimiter(10, 600)
        self.lockout = admin_lockout or Lockout()
        self.api_keys = [k for k in api_keys if k]
        self.allowed_origins = set(allowed_origins)
        self.classify = classify
        self.csp = f"frame-ancestors {frame_ancestors}".encode()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        peer = scope.get("client")
        client = client_address(peer[0] if peer else None, headers.get("x-forwarded-for"), self.trusted)
        scope = dict(scope)
        scope["client"] = (client, peer[1] if peer else 0)
        method = scope.get("method", "GET")
        send = self._headers_and_errors(send)

        path = scope.get("path", "")
        cap = self.max_body
        if path == "/admin" or path.startswith(("/api/admin/", "/static/admin")):
            if not self.admin_tokens:  # the admin page is off
                return await send_error(send, 404, "Not found.")
            if path.startswith("/api/admin/"):  # checked before a byte of the body is read
                if (wait := self.lockout.locked(client)) > 0:  # locked out: the token is not even looked at
                    admin_log.info("admin %s %s from %s: locked out (%.0f s left)", method, path[:200], client, wait)
                    return await _too_many(send, "Too many wrong admin tokens", wait)
                ok = bearer_matches(headers.get("authorization"), self.admin_tokens)
                admin_log.info("admin %s %s from %s: %s", method, path[:200], client, "accepted" if ok else "refused")
                if not ok:
                    self.lockout.failed(client)
                    return await send_error(send, 401, "The admin token is missing or wrong.")
                cap = self.admin_max_body
        if self.api_keys and (path.startswith("/v1/") or (path.startswith("/api/") and not path.startswith(OPEN_API))):
            if not self._key_ok(headers, path):
                if (wait := self.auth_failures.check(client)) > 0:
                    return await _too_many(send, "Too many wrong API keys from you", wait)
                if path.startswith("/v1/"):  # OpenAI's error format, which its clients read
                    from bot.serve.openai_api import openai_error

                    body = json.dumps(openai_error("Incorrect or missing API key.", "invalid_api_key")).encode()
                    return await _send_json(send, 401, body)
                return await send_error(send, 401, "An API key is needed: send it as `Authorization: Bearer <key>`.")
        if method == "GET" and self.views is not None and path.startswith(VIEW_PREFIX):
            if (wait := self.views.check(client)) > 0:  # the source viewer reads and renders a document
                return await _too_many(send, "Too many documents opened from you", wait)
        if method in BODY_METHODS:
            if (wait := self.posts.check(client)) > 0:
                return await _too_many(send, "Too many requests from you", wait)
            length = headers.get("content-length")
            if length is not None and (not length.isdigit() or int(length) > cap):
                return await send_error(send, 413, self._too_large(cap))
            body, more = await _read(receive, cap)
            if body is None:
                return await send_error(send, 413, self._too_large(cap))
            if more == "disconnect":
                return
            if json_too_deep(body):  # before anything parses it: a parser would recurse once a level
                log.info("%s: a JSON body nested over %d levels, refused", client, MAX_JSON_DEPTH)
                return await send_error(
                    send, 400, f"The request's JSON is nested over {MAX_JSON_DEPTH} levels deep; send a flatter body."
                )
            if SURROGATE_ESCAPE.search(body) and _json_has_lone_surrogate(body):
                return await send_error(
                    send,
                    400,
                    "The request has invalid text (a lone UTF-16 surrogate such as \\ud800); send valid Unicode.",
                )
            kind = self.classify(scope.get("path", ""), body)
            if kind == "bad":
                return await send_error(send, 400, "Invalid request: not an event of this chat.")
            if kind == "upload":
                return await send_error(send, 403, "This chat takes no files: uploads are off.")
            if kind == "question" and (wait := self.questions.check(client)) > 0:
                return await _too_many(send, "Too many questions from you", wait)
            if kind == "feedback" and (wait := self.feedback.check(client)) > 0:
                return await _too_many(send, "Too much feedback from you", wait)
            receive = _replay(body, receive)
        return await self.app(scope, receive, send)

    def _key_ok(self, headers: dict, path: str) -> bool:
        if bearer_matches(headers.get("authorization"), self.api_keys):
            return True
        # the widget, on a site allowed to embed it, asks without a key (its page cannot keep one secret)
        # (and the widget on this server's own page); Origin can be forged by a program, so this is a convenience
        # for browsers, not a secret: the per-client limits hold either way
        origin = headers.get("origin")
        if not path.startswith("/api/") or origin is None:
            return False
        return origin in self.allowed_origins or origin.split("://", 1)[-1] == headers.get("host")

    def _too_large(self, cap: int) -> str:
        if cap != self.max_body:
            return f"The upload is over {cap:,} bytes; send fewer or smaller files."
        return f"The request body is over {cap:,} bytes; send a shorter question or history."

    def _headers_and_errors(self, send):
        """Adds the framing policy and nosniff to every response, and rewrites a framework's 4xx JSON
        ({"detail": ...}) into {"error": ...}."""
        csp = self.csp
        state = {"rewrite": False, "start": None, "chunks": []}

        async def wrapped(message):
            if message["type"] == "http.response.start":
                hdrs = [(k, v) for k, v in message.get("headers", [])]
                names = {k.lower() for k, _ in hdrs}
                if b"content-security-policy" not in names:
                    hdrs.append((b"content-security-policy", csp))
                if b"x-content-type-options" not in names:
                    hdrs.append((b"x-content-type-options", b"nosniff"))
                if b"referrer-policy" not in names:
                    hdrs.append((b"referrer-policy", b"no-referrer"))
                message = {**message, "headers": hdrs}
                ctype = next((v for k, v in hdrs if k.lower() == b"content-type"), b"")
                if 400 <= message["status"] < 500 and ctype.startswith(b"application/json"):
                    state["rewrite"], state["start"] = True, message
                    return
                return await send(message)
            if message["type"] == "http.response.body" and state["rewrite"]:
                state["chunks"].append(message.get("body", b""))
                if message.get("more_body"):
                    return
                raw = b"".join(state["chunks"])
                body = _error_shape(raw)
                start = state["start"]
                hdrs = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
                hdrs.append((b"content-length", str(len(body)).encode()))
                await send({**start, "headers": hdrs})
                return await send({"type": "http.response.body", "body": body})
            return await send(message)

        return wrapped


def _error_shape(raw: bytes) -> bytes:
    try:
        d = json.loads(raw)
    except ValueError:
        return raw
    if isinstance(d, dict) and set(d) == {"error"}:
        return raw
    msg = d.get("error") or d.get("detail") if isinstance(d, dict) else None
    if isinstance(msg, list):  # pydantic's list of problems
        first = msg[0] if msg else {}
        where = ".".join(str(x) for x in first.get("loc", ()) if x != "body") if isinstance(first, dict) else ""
        what = first.get("msg", "malformed") if isinstance(first, dict) else first
        msg = f"Invalid request: {where or 'body'}: {what}."
    if not msg:
        msg = "Invalid request."
    return json.dumps({"error": str(msg)}, ensure_ascii=False).encode()


MAX_JSON_DEPTH = 64  # no request of ours nests deeper than a few levels


def json_too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether a JSON body nests arrays and objects more than `limit` deep. Only a body with more brackets than
    that is parsed to see (the parser's own RecursionError, past about a thousand levels, counts as too deep);
    a body that is not JSON is left to the route, which says so."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    try:
        obj = json.loads(body)
    except RecursionError:
        return True
    except ValueError:
        return False
    stack = [(obj, 1)]
    while stack:
        x, d = stack.pop()
        if isinstance(x, dict | list):
            if d > limit:
                return True
            stack.extend((v, d + 1) for v in (x.values() if isinstance(x, dict) else x))
    return False


def _json_has_lone_surrogate(body: bytes) -> bool:
    try:
        return has_lone_surrogate(json.loads(body))
    except (ValueError, RecursionError):
        return False


async def _too_many(send, what: str, wait: float) -> None:
    await send_error(
        send, 429, f"{what}; try again in {max(1, round(wait))} s.", {"Retry-After": str(max(1, round(wait)))}
    )


async def _read(receive, cap: int):
    """The whole body, or (None, _) once it passes `cap` bytes."""
    parts, size = [], 0
    while True:
        m = await receive()
        if m["type"] == "http.disconnect":
            return b"".join(parts), "disconnect"
        chunk = m.get("body", b"")
        size += len(chunk)
        if size > cap:
            return None, None
        parts.append(chunk)
        if not m.get("more_body"):
            return b"".join(parts), None


def _replay(body: bytes, receive):
    sent = False

    async def replay():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def gradio_classifier(
    prefix: str,
    question_fns: set[int],
    feedback_fns: set[int],
    api_questions: set[str],
    known_fns: set[int] | None = None,
):
    """classify() for the app: the API's routes, and the Gradio chat mounted at `prefix`. A chat event that is
    not one of `known_fns` (or a body that is not a JSON object) is "bad": Gradio would answer it with a 500."""
    api = prefix.rstrip("/") + "/gradio_api/"
    named = re.compile(r"(?:call/v2|call|run|api)/([^/]+)/?$")

    def classify(path: str, body: bytes) -> str | None:
        if path in ("/api/ask", "/api/ask/stream", "/v1/chat/completions"):
            return "question"
        if path == "/api/feedback":
            return "feedback"
        if not path.startswith(api):
            return None
        rest = path[len(api) :]
        if rest.startswith("upload"):
            return "upload"
        if rest.rstrip("/") == "queue/join":
            try:
                fn = json.loads(body).get("fn_index")
            except (ValueError, AttributeError):
                return "bad"
            if known_fns is not None and (not isinstance(fn, int) or fn not in known_fns):
                return "bad"
            if fn in question_fns:
                return "question"
            if fn in feedback_fns:
                return "feedback"
            return None
        m = named.match(rest)
        if m and m.group(1) in api_questions:
            return "question"
        return None

    return classify
