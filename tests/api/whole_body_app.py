"""An ASGI app for ``test_whole_body``, served by Granian: it answers with the request messages
it received, as ``[body length, more_body]`` pairs, behind ``WholeBody``."""

from __future__ import annotations

import json

from backend.api.whole_body import WholeBody


async def _messages(scope, receive, send) -> None:
    if scope["type"] != "http":
        return
    seen = []
    while True:
        message = await receive()
        seen.append([len(message.get("body", b"")), message.get("more_body", False)])
        if not message.get("more_body", False):
            break
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": json.dumps(seen).encode()})


app = WholeBody(_messages)
