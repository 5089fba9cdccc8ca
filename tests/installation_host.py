"""One host of an installation, run as a process of its own (``python -m tests.installation_host
COMMAND ...``) with the environment the test gives it (its own data folder, the shared
database). Prints one JSON value.

Commands:
- ``start``: build the API as a web host does at start-up;
- ``callback-secret ORG``: the organisation's callback secret as the API hands it out;
- ``sign ORG MESSAGE_ID BODY``: the headers of a callback this host would send;
- ``verify ORG BODY HEADERS_JSON``: whether this host accepts those headers;
- ``sso-login``: start single sign-on; the provider address and the state cookie;
- ``sso-callback COOKIE PATH_AND_QUERY``: finish it; the status and where it sends the person.
"""

from __future__ import annotations

import json
import sys
import time

from fastapi.testclient import TestClient


def _client() -> TestClient:
    from backend.api import create_api

    return TestClient(create_api())


def main(command: str, *args: str) -> object:
    from backend.services import webhook_adapter

    if command == "start":
        _client()
        return "started"
    if command == "callback-secret":
        return webhook_adapter.signing_secret(args[0])
    if command == "sign":
        org_id, message_id, body = args
        timestamp = int(time.time())
        secret = webhook_adapter.signing_secret(org_id)
        signature = webhook_adapter.sign(
            secret=secret, message_id=message_id, timestamp=timestamp, body=body.encode()
        )
        return {
            "webhook-id": message_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": signature,
        }
    if command == "verify":
        org_id, body, headers = args
        secret = webhook_adapter.signing_secret(org_id)
        received = json.loads(headers)
        return webhook_adapter.verify(secret=secret, headers=received, body=body.encode())
    if command == "sso-login":
        with _client() as client:
            start = client.get("/auth/oidc/login", follow_redirects=False)
            return {"location": start.headers["location"], "cookie": client.cookies["tl_oidc"]}
    if command == "sso-callback":
        cookie, path = args
        with _client() as client:
            client.cookies.set("tl_oidc", cookie, path="/auth")
            done = client.get(path, follow_redirects=False)
            return {"status": done.status_code, "location": done.headers.get("location", "")}
    raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:])))
