"""The chat-model adapter against a real local HTTP server: what it sends, what it returns, and
that every failure is one ``ChatModelError``."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from backend.services import llm_adapter
from backend.services.llm_adapter import ChatModelError


class _Server(ThreadingHTTPServer):
    status: int = 200
    reply: bytes = b""
    requests: list[dict]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        self.server.requests.append(
            {
                "path": self.path,
                "auth": self.headers.get("Authorization"),
                "body": json.loads(self.rfile.read(length)),
            }
        )
        self.send_response(self.server.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(self.server.reply)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def server() -> Iterator[_Server]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _ask(base_url: str, api_key: str = "") -> str:
    return llm_adapter.complete(
        base_url=base_url,
        api_key=api_key,
        model="local-model",
        system="Be brief.",
        user="Say hello.",
        temperature=0.2,
    )


def _url(server: _Server) -> str:
    return f"http://127.0.0.1:{server.server_port}/v1/"


def test_the_answer_is_the_first_choice_text(server):
    server.reply = json.dumps({"choices": [{"message": {"content": "Hello."}}]}).encode()
    assert _ask(_url(server), api_key="sk-local") == "Hello."
    (request,) = server.requests
    assert request["path"] == "/v1/chat/completions"  # one slash, whatever the base URL ends in
    assert request["auth"] == "Bearer sk-local"
    assert request["body"] == {
        "model": "local-model",
        "temperature": 0.2,
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Say hello."},
        ],
    }


def test_no_key_sends_no_authorization(server):
    server.reply = json.dumps({"choices": [{"message": {"content": "Hi."}}]}).encode()
    assert _ask(_url(server)) == "Hi."
    assert server.requests[0]["auth"] is None


@pytest.mark.parametrize(
    ("status", "reply"),
    [
        (500, b'{"error": "boom"}'),
        (200, b"not json"),
        (200, b'{"choices": []}'),
        (200, b'{"choices": [{"message": {"content": null}}]}'),
        (200, b"[1, 2]"),
    ],
)
def test_every_bad_answer_is_a_chat_model_error(server, status, reply):
    server.status, server.reply = status, reply
    with pytest.raises(ChatModelError, match=r"chat model at http://127\.0\.0\.1"):
        _ask(_url(server))
    assert len(server.requests) == 1


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:9/v1", "not a url", "http://[::1/v1"])
def test_an_unreachable_or_malformed_endpoint_is_a_chat_model_error(base_url):
    with pytest.raises(ChatModelError):
        _ask(base_url)


@pytest.mark.parametrize(
    ("content", "kind", "expected"),
    [
        ('```json\n["a", "b"]\n```', list, ["a", "b"]),
        ('Here you go: {"summary": "x"} Hope it helps.', dict, {"summary": "x"}),
        ("No JSON at all.", list, None),
        ('["unterminated"', list, None),
        ('{"an": "object"}', list, None),  # the brackets of a list are not in it
        ('{"a": 1} or {"b": 2}', dict, None),  # one span, first bracket to last: not JSON
        (None, dict, None),
    ],
)
def test_the_json_asked_for_is_found_in_the_answer(content, kind, expected):
    assert llm_adapter.answer_json(content, kind) == expected
