"""Small builders for test data (no fixture files)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass
class OrgHandle:
    org_id: str
    admin_id: str
    admin_email: str
    password: str
    api_key: str  # scope "all"

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.api_key)


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def make_org(name: str | None = None, *, password: str = "correct horse battery") -> OrgHandle:
    """A fresh organisation with an admin and an all-scope API key."""
    from backend.db import session_scope
    from backend.services.api_keys import create_api_key
    from backend.services.organisations import create_organisation

    suffix = uuid.uuid4().hex[:8]
    with session_scope() as session:
        org, admin = create_organisation(
            session,
            name=name or f"Org {suffix}",
            admin_email=f"admin-{suffix}@example.com",
            admin_password=password,
            admin_name="Ada Admin",
        )
        _, raw = create_api_key(session, org_id=org.id, scope="all", name="tests")
        return OrgHandle(org.id, admin.id, admin.email, password, raw)


def make_key(org: OrgHandle, scope: str) -> str:
    from backend.db import session_scope
    from backend.services.api_keys import create_api_key

    with session_scope() as session:
        _, raw = create_api_key(session, org_id=org.org_id, scope=scope, name=f"{scope} key")
        return raw


def remove_organisations_rows(org_ids: list[str], tables: list[type]) -> None:
    """Delete the rows of ``tables`` (in that order, dependants first) that belong to
    ``org_ids``: what a test that bulk-loads thousands of rows leaves behind."""
    from sqlalchemy import delete

    from backend.db import session_scope

    with session_scope() as session:
        for table in tables:
            session.execute(delete(table).where(table.org_id.in_(org_ids)))  # type: ignore[attr-defined]
        session.commit()
