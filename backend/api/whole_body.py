"""A request body that has arrived whole is handed to the app whole.

Granian hands even a small body over in two messages, the bytes (``more_body: True``) and then
an empty last one, and each ``receive`` is a round trip between the server's thread and the
event loop (~0.1 ms): a JSON submission paid for two. When the body's ``Content-Length`` has
arrived, no more of it can come, so its message says so (``more_body: False``) and the empty
one that follows is passed over if the app asks for another message (a disconnect, say). Bodies
without a length (chunked) are passed on as they come."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def _content_length(scope: Scope) -> int | None:
    try:
        return int(Headers(scope=scope).get("content-length", ""))
    except ValueError:
        return None


class WholeBody:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        length = _content_length(scope) if scope["type"] == "http" else None
        if not length:
            await self.app(scope, receive, send)
            return
        arrived = 0
        ended_early = False  # told the app the body ended before the server did

        async def whole_receive() -> Message:
            nonlocal arrived, ended_early
            message = await receive()
            if ended_early:
                ended_early = False
                if message["type"] == "http.request" and not message.get("body"):
                    message = await receive()  # the server's empty last message: passed over
                return message
            if message["type"] == "http.request" and message.get("more_body", False):
                arrived += len(message.get("body", b""))
                if arrived >= length:
                    ended_early = True
                    return {**message, "more_body": False}
            return message

        await self.app(scope, whole_receive, send)
