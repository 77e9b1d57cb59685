"""A stand-in LLM server on 127.0.0.1 that speaks the OpenAI chat API and Ollama's /api/chat.

What it writes is decided by the test: a function from the prompt's user message to the draft. The
product's code talks to it through llama-index's real OpenAILike and Ollama clients over HTTP.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Writer = Callable[[str], str]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        user = next((m["content"] for m in reversed(body["messages"]) if m["role"] == "user"), "")
        if isinstance(user, list):  # content blocks
            user = " ".join(b.get("text", "") for b in user)
        self.server.prompts.append(user)
        time.sleep(self.server.delay_s)
        draft = self.server.writer(user)
        if body.get("stream"):
            self._stream(draft, openai=self.path.endswith("/chat/completions"), model=body.get("model", "local"))
            return
        if self.path.endswith("/chat/completions"):
            reply: dict[str, Any] = {
                "id": "chatcmpl-test",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", "local"),
                "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": draft}, "finish_reason": "stop"}
                ],
                "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
            }
        elif self.path == "/api/chat":
            reply = {
                "model": body.get("model", "local"),
                "created_at": "2026-12-01T00:00:00Z",
                "message": {"role": "assistant", "content": draft},
                "done": True,
                "done_reason": "stop",
            }
        else:
            self.send_error(404)
            return
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


    def _stream(self, draft: str, *, openai: bool, model: str) -> None:
        """The draft a few characters at a time: server-sent events (OpenAI) or JSON lines (Ollama)."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream" if openai else "application/x-ndjson")
        self.end_headers()
        pieces = [draft[i : i + 7] for i in range(0, len(draft), 7)]
        for n, piece in enumerate([*pieces, None]):
            if openai:
                delta = {"content": piece} if piece is not None else {}
                event = {
                    "id": "chatcmpl-test", "object": "chat.completion.chunk", "created": int(time.time()), "model": model,
                    "choices": [{"index": 0, "delta": delta, "finish_reason": None if piece is not None else "stop"}],
                }  # fmt: skip
                self.wfile.write(b"data: " + json.dumps(event).encode() + b"\n\n")
            else:
                line = {
                    "model": model, "created_at": "2026-12-01T00:00:00Z",
                    "message": {"role": "assistant", "content": piece or ""}, "done": piece is None,
                }  # fmt: skip
                self.wfile.write(json.dumps(line).encode() + b"\n")
            self.wfile.flush()
            self.server.sent.append(n)
        if openai:
            self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()
        self.close_connection = True


class _Server(ThreadingHTTPServer):
    writer: Writer
    delay_s: float
    prompts: list[str]
    sent: list[int]


@contextmanager
def llm_server(writer: Writer, *, delay_s: float = 0.0) -> Iterator[_Server]:
    """A server on a free loopback port; ``server.server_address[1]`` is its port."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.writer, server.delay_s, server.prompts, server.sent = writer, delay_s, [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def passage_lines(prompt: str) -> dict[int, str]:
    """The numbered passages of a prompt: number -> its line."""
    out = {}
    for line in prompt.splitlines():
        if line.startswith("[") and "]" in line:
            head = line[1 : line.index("]")]
            if head.isdigit():
                out[int(head)] = line
    return out
