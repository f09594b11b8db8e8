"""A scripted OpenAI-compatible chat server on 127.0.0.1 for fault-injection tests.

Each request to ``/v1/chat/completions`` takes the next behaviour from ``script`` (then ``default``
once the script is used up):

- ``Reply(text)``: a well-formed chat completion whose message is ``text``;
- ``Status(code, retry_after=None)``: an error status with an OpenAI-style JSON error body;
- ``Slow(seconds, text)``: sleeps, then replies (past the client's timeout);
- ``Garbage(body)``: HTTP 200 with a body that is not a chat completion;
- ``Computed(answer)``: a chat completion of ``answer(request body)``, a text or a (text, logprobs) pair
  (``logprobs``: the choice's OpenAI-style ``logprobs`` object).

``requests`` holds every request body received, so a test can count what reached the network.
``stop()`` also closes the connections clients keep alive, so a stopped server answers nothing, as a
killed one would; ``port`` lets a test start a server again where a stopped one was.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Union


@dataclass(frozen=True)
class Reply:
    text: str


@dataclass(frozen=True)
class Status:
    code: int
    retry_after: str | None = None


@dataclass(frozen=True)
class Slow:
    seconds: float
    text: str = "ACCEPT"


@dataclass(frozen=True)
class Garbage:
    body: str = "<html>upstream proxy error</html>"


@dataclass(frozen=True)
class Computed:
    answer: Callable[[dict], Union[str, tuple[str, dict | None]]]


Behaviour = Union[Reply, Status, Slow, Garbage, Computed]


def completion_body(text: str, model: str, logprobs: dict | None = None) -> dict:
    choice = {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": text}}
    if logprobs is not None:
        choice["logprobs"] = logprobs
    return {
        "id": "chatcmpl-fault",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [choice],
        "usage": {"prompt_tokens": 11, "completion_tokens": 3, "total_tokens": 14},
    }


class FaultServer:
    def __init__(self, script: list[Behaviour] | None = None, default: Behaviour = Reply("ACCEPT"), port: int = 0):
        self.script: deque[Behaviour] = deque(script or [])
        self.default = default
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self._http = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
        self._http.daemon_threads = True  # a sleeping Slow handler must not hold up stop()
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._http.server_address[1]}/v1"

    def next_behaviour(self, body: dict) -> Behaviour:
        with self._lock:
            self.requests.append(body)
            return self.script.popleft() if self.script else self.default

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()
        with self._lock:
            connections, self._connections = list(self._connections), set()
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed by the client

    def __enter__(self) -> "FaultServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _handler_class(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def setup(self) -> None:
                super().setup()
                with server._lock:
                    server._connections.add(self.connection)

            def finish(self) -> None:
                with server._lock:
                    server._connections.discard(self.connection)
                super().finish()

            def _send(self, code: int, body: bytes, headers: dict[str, str] | None = None) -> None:
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout) before the slow reply came

            def do_GET(self) -> None:
                if self.path.rstrip("/") == "/v1/models":
                    models = {"object": "list", "data": [{"id": "fault-model", "object": "model", "owned_by": "test"}]}
                    self._send(200, json.dumps(models).encode())
                else:
                    self._send(404, b'{"error": {"message": "not found"}}')

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._send(404, b'{"error": {"message": "not found"}}')
                    return
                behaviour = server.next_behaviour(body)
                model = body.get("model", "fault-model")
                if isinstance(behaviour, Reply):
                    self._send(200, json.dumps(completion_body(behaviour.text, model)).encode())
                elif isinstance(behaviour, Slow):
                    time.sleep(behaviour.seconds)
                    self._send(200, json.dumps(completion_body(behaviour.text, model)).encode())
                elif isinstance(behaviour, Computed):
                    answer = behaviour.answer(body)
                    text, logprobs = answer if isinstance(answer, tuple) else (answer, None)
                    self._send(200, json.dumps(completion_body(text, model, logprobs)).encode())
                elif isinstance(behaviour, Garbage):
                    self._send(200, behaviour.body.encode())
                else:
                    error = {"error": {"message": f"scripted status {behaviour.code}", "type": "server_error"}}
                    headers = {"Retry-After": behaviour.retry_after} if behaviour.retry_after else None
                    self._send(behaviour.code, json.dumps(error).encode(), headers)

        return Handler
