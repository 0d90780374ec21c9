"""Untrusted documents (PDF, Word) are parsed in a child process with a memory limit and a time limit, so a bomb
that slips past the budget checks (bot/ingest/documents.py) kills a child, not the server or the ingest.

    with DocumentReader(memory_mb=1024, timeout_s=60) as reader:
        doc = reader.read(path, corpus_dir, limits)   # a Document, or ValueError with the reason

The child is `python -m bot.ingest.worker MEMORY_BYTES`: it sets its address-space limit (RLIMIT_AS), then reads
requests (path, root, limits) from stdin and writes each result to stdout, length-prefixed pickles both ways. One
child serves a whole sync; one that is killed (time) or dies (memory) is replaced for the next file.
"""

from __future__ import annotations

import os
import pickle
import select
import struct
import subprocess
import sys
import time
from pathlib import Path

from bot.ingest.corpus import Document, ReadLimits, read_document

_LEN = struct.Struct("!Q")


def _send(f, obj) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    f.write(_LEN.pack(len(data)) + data)
    f.flush()


class Cancelled(Exception):
    """The read was stopped because its sync was cancelled."""


def _recv_exact(fd: int, n: int, deadline: float | None, cancel=None) -> bytes:
    buf = bytearray()
    # poll, not select: select() refuses a descriptor numbered 1024 or more, which a busy server reaches
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    while len(buf) < n:
        if deadline is not None:
            while True:  # in slices of at most 0.2 s, so that a cancelled sync stops the child at once
                if cancel is not None and cancel.is_set():
                    raise Cancelled
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError
                if poller.poll(int(min(left, 0.2) * 1000) + 1):
                    break
        part = os.read(fd, min(n - len(buf), 1 << 20))
        if not part:
            raise EOFError
        buf += part
    return bytes(buf)


class DocumentReader:
    """A child process that reads documents within `memory_mb` of address space and `timeout_s` seconds each
    (settings BOT_READ_MEMORY_MB, BOT_READ_TIMEOUT_S)."""

    def __init__(self, memory_mb: int = 1024, timeout_s: float = 60.0):
        self.memory_mb, self.timeout_s = memory_mb, timeout_s
        self._proc: subprocess.Popen | None = None

    def __enter__(self) -> DocumentReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _start(self) -> subprocess.Popen:
        if self._proc is None or self._proc.poll() is not None:
            env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "bot.ingest.worker", str(self.memory_mb * 1_000_000)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=env,
                cwd=str(Path(__file__).resolve().parents[2]),
            )
        return self._proc

    def read(self, path: Path, root: Path, limits: ReadLimits | None = None, cancel=None) -> Document:
        """The parsed document; ValueError with the reason when it can't be read, or is over a budget. When
        `cancel` (a threading.Event) is set meanwhile, the child is stopped and Cancelled raised."""
        proc = self._start()
        deadline = time.monotonic() + self.timeout_s
        try:
            _send(proc.stdin, (str(path), str(root), limits or ReadLimits(), self.timeout_s))
            (n,) = _LEN.unpack(_recv_exact(proc.stdout.fileno(), _LEN.size, deadline, cancel))
            status, value = pickle.loads(_recv_exact(proc.stdout.fileno(), n, deadline + 5, cancel))
        except Cancelled:
            self._kill()
            raise
        except TimeoutError:
            self._kill()
            raise ValueError(
                f"took more than {self.timeout_s:g} s to read (stopped; BOT_READ_TIMEOUT_S raises the limit)"
            ) from None
        except (EOFError, BrokenPipeError, OSError):
            code = self._kill()
            raise ValueError(
                f"stopped the reader (exit code {code}), most likely over its memory limit of {self.memory_mb:,} MB "
                "(BOT_READ_MEMORY_MB raises it)"
            ) from None
        if status == "ok":
            return value
        raise ValueError(value)

    def _kill(self) -> int | None:
        proc, self._proc = self._proc, None
        if proc is None:
            return None
        if proc.poll() is None:
            proc.kill()
        try:
            return proc.wait(5)
        except subprocess.TimeoutExpired:
            return None

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            try:
                proc.stdin.close()
                proc.wait(5)
            except (OSError, subprocess.TimeoutExpired):
                proc.kill()
                proc.wait(5)


def _child(memory_bytes: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    try:  # reading documents runs only when the server's answers leave a core idle
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        os.nice(19)
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a library's print never corrupts the replies
    while True:
        head = inp.read(_LEN.size)
        if len(head) < _LEN.size:
            return
        path, root, limits, timeout_s = pickle.loads(inp.read(_LEN.unpack(head)[0]))
        try:
            reply = ("ok", read_document(Path(path), Path(root), limits, time_budget_s=timeout_s))
        except MemoryError:
            reply = ("err", f"needed more than its memory limit of {memory_bytes / 1e6:,.0f} MB to read "
                            "(BOT_READ_MEMORY_MB raises it)")  # fmt: skip
        except (ValueError, OSError) as e:
            reply = ("err", str(e))
        except Exception as e:  # noqa: BLE001 - a parser's own error: the file is named with it
            reply = ("err", f"could not be read ({type(e).__name__}: {str(e)[:300]})")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        if reply[0] == "err" and peak > memory_bytes / 2 and "memory limit" not in reply[1]:
            # a parser out of memory often says something else ("XMLSyntaxError: unknown error")
            reply = ("err", f"ran out of its memory limit of {memory_bytes / 1e6:,.0f} MB while being read "
                            f"(BOT_READ_MEMORY_MB raises it; the parser said: {reply[1][:200]})")  # fmt: skip
        _send(out, reply)


if __name__ == "__main__":
    _child(int(sys.argv[1]))
