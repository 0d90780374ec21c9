"""A local HTTP server speaking OpenAI's chat-completions protocol, with scripted replies.

The real `openai` SDK and `langchain-openai` talk to it over HTTP; only the model is fake.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeOpenAI:
    """Speaks HTTP/1.1 with keep-alive, streams with chunked transfer encoding, as real model servers do, so a
    client keeps its connection between requests. `timings[i]["arrived"]` is when request i's first line was
    read; "end" is when its last bytes were about to go out; "connections" counts the TCP connections."""

    def __init__(self):
        self.script: list[dict] = []  # each request takes the next: {"content"}, {"status"}, {"sleep", ...}
        self.requests: list[dict] = []
        self.default = {"content": "NOT IN THE ARTICLES"}  # the reply when the script is empty
        self.timings: list[dict] = []  # per request: perf_counter at arrival, first chunk and end
        # (streamed replies also get "first_chunk_wall" and "end_wall": time.time(), comparable with a browser's
        # Date.now() / 1000 on the same machine)
        self.connections = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive: every response has a length or is chunked

            def log_message(self, *a):
                pass

            def handle(self):
                fake.connections += 1
                try:
                    super().handle()
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (a scripted timeout)
                    pass

            def parse_request(self):
                self.arrived = time.perf_counter()  # the request line has been read; headers come next
                return super().parse_request()

            def _send(self, status: int, data: bytes, ctype: str = "application/json", end: bool = False):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if end:
                    self.t["end"] = time.perf_counter()
                self.wfile.write(data)

            def _chunk(self, data: bytes) -> None:
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()

            def do_GET(self):
                if self.path == "/_control/state":  # for a driver in another process (benchmarks)
                    state = {"timings": fake.timings, "connections": fake.connections, "requests": len(fake.requests)}
                    self._send(200, json.dumps(state).encode())
                else:
                    self._send(404, b"{}")

            def _control(self, body) -> None:
                """POST /_control/script (a list of steps to append), /_control/default (a step)."""
                if self.path == "/_control/script":
                    fake.script.extend(body)
                elif self.path == "/_control/default":
                    fake.default = body
                self._send(200, b"{}")

            def do_POST(self):
                if self.path.startswith("/_control/"):
                    self._control(json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0)))))
                    return
                t = {"arrived": self.arrived}
                fake.timings.append(t)
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                fake.requests.append({"path": self.path, "body": body})
                step = fake.script.pop(0) if fake.script else fake.default
                self.t = t
                if "sleep" in step:
                    time.sleep(step["sleep"])
                if "status" in step:
                    err = {"error": {"message": "scripted failure", "type": "server_error"}}
                    self._send(step["status"], json.dumps(err).encode())
                    return
                if "raw" in step:  # malformed
                    self._send(200, step["raw"].encode())
                    return
                if "sse" in step:  # a stream with this body, as it is (malformed events, an error event...)
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    self._chunk(step["sse"].encode())
                    self.t["end"] = time.perf_counter()
                    self._chunk(b"")
                    return
                if body.get("stream"):
                    self._stream(step, body)
                    return
                reply = {
                    "id": "chatcmpl-test",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": body.get("model", "test"),
                    "choices": [
                        {
                            "index": 0,
                            "finish_reason": "stop",
                            "message": {"role": "assistant", "content": step["content"]},
                        }
                    ],
                    "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
                }
                self._send(200, json.dumps(reply).encode(), end=True)

            def _stream(self, step, body):
                """Server-sent chunks, a few words each; {"cut": n} drops the connection after n chunks;
                {"gap": s} waits s seconds after each chunk; {"first_delay": s} waits s seconds between the
                response headers and the first chunk (the model's time to first token); {"hold": s} keeps
                the body open s seconds after [DONE]."""
                import re

                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                if step.get("first_delay"):
                    self.wfile.flush()
                    time.sleep(step["first_delay"])
                pieces = re.findall(r"\S+\s*", step["content"])
                for i, piece in enumerate(pieces):
                    if "cut" in step and i == step["cut"]:
                        self.wfile.flush()
                        self.close_connection = True
                        self.connection.shutdown(2)  # the stream dies in the middle
                        return
                    chunk = {
                        "id": "c",
                        "object": "chat.completion.chunk",
                        "created": 0,
                        "model": body.get("model"),
                        "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
                    }
                    self._chunk(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.t.setdefault("first_chunk", time.perf_counter())
                    self.t.setdefault("first_chunk_wall", time.time())
                    time.sleep(step.get("gap", 0))
                end = {
                    "id": "c",
                    "object": "chat.completion.chunk",
                    "created": 0,
                    "model": body.get("model"),
                    "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
                }
                if step.get("no_usage"):  # {"no_usage": true}: a server that ignores stream_options.include_usage
                    del end["usage"]
                # stamped as the last bytes go out (not after): a client may finish before this thread runs again
                self.t["end"] = time.perf_counter()
                self.t["end_wall"] = time.time()
                last = f"data: {json.dumps(end)}\n\ndata: [DONE]\n\n".encode()
                if step.get("hold"):  # {"hold": s}: a server that keeps the body open s seconds after [DONE]
                    self._chunk(last)
                    time.sleep(step["hold"])
                    self._chunk(b"")
                    return
                # with the terminating empty chunk in the same write: the connection stays open for the next request
                self.wfile.write(f"{len(last):x}\r\n".encode() + last + b"\r\n0\r\n\r\n")
                self.wfile.flush()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def chat_requests(self) -> list[dict]:
        return [r for r in self.requests if r["path"].endswith("/chat/completions")]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


if __name__ == "__main__":  # a model server in its own process: prints its URL, serves until killed
    server = FakeOpenAI()
    print(server.url, flush=True)
    threading.Event().wait()
