"""A local HTTP server speaking OpenAI's chat-completions protocol, with scripted replies.

The real `openai` SDK and `langchain-openai` talk to it over HTTP; only the model is fake.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeOpenAI:
    def __init__(self):
        self.script: list[dict] = []  # each request takes the next: {"content"}, {"status"}, {"sleep", ...}
        self.requests: list[dict] = []
        self.default = {"content": "NOT IN THE ARTICLES"}  # the reply when the script is empty
        self.timings: list[dict] = []  # per request: perf_counter at arrival, first chunk and end
        # (streamed replies also get "first_chunk_wall" and "end_wall": time.time(), comparable with a browser's
        # Date.now() / 1000 on the same machine)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def handle(self):
                try:
                    super().handle()
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (a scripted timeout)
                    pass

            def do_POST(self):
                t = {"arrived": time.perf_counter()}
                fake.timings.append(t)
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                fake.requests.append({"path": self.path, "body": body})
                step = fake.script.pop(0) if fake.script else fake.default
                self.t = t
                if "sleep" in step:
                    time.sleep(step["sleep"])
                if "status" in step:
                    self.send_response(step["status"])
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(
                        json.dumps({"error": {"message": "scripted failure", "type": "server_error"}}).encode()
                    )
                    return
                if "raw" in step:  # malformed
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(step["raw"].encode())
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
                data = json.dumps(reply).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                self.t["end"] = time.perf_counter()

            def _stream(self, step, body):
                """Server-sent chunks, a few words each; {"cut": n} drops the connection after n chunks;
                {"gap": s} waits s seconds after each chunk; {"first_delay": s} waits s seconds between the
                response headers and the first chunk (the model's time to first token)."""
                import re

                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                if step.get("first_delay"):
                    self.wfile.flush()
                    time.sleep(step["first_delay"])
                pieces = re.findall(r"\S+\s*", step["content"])
                for i, piece in enumerate(pieces):
                    if "cut" in step and i == step["cut"]:
                        self.wfile.flush()
                        self.connection.shutdown(2)  # the stream dies in the middle
                        return
                    chunk = {
                        "id": "c",
                        "object": "chat.completion.chunk",
                        "created": 0,
                        "model": body.get("model"),
                        "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
                    }
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()
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
                self.wfile.write(f"data: {json.dumps(end)}\n\ndata: [DONE]\n\n".encode())
                self.wfile.flush()
                self.t["end"] = time.perf_counter()
                self.t["end_wall"] = time.time()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def chat_requests(self) -> list[dict]:
        return [r for r in self.requests if r["path"].endswith("/chat/completions")]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
