"""Sign-up, members, password sign-in, browser sessions and API keys at the service level."""

from __future__ import annotations

import uuid

import pytest

from backend.models import ApiScope, Role
from backend.services import api_keys
from backend.services.errors import Conflict, Forbidden, InvalidInput, Unauthorized
from backend.services.organisations import (
    add_member,
    authenticate,
    change_role,
    create_organisation,
    deactivate_member,
    end_web_session,
    member_for_token,
    start_web_session,
)


def _email(tag: str) -> str:
    return f"{tag}-{uuid.uuid4().hex[:8]}@Example.com"


def test_sign_up_creates_org_and_admin_with_hashed_password(db):
    email = _email("founder")
    org, admin = create_organisation(
        db, name="Acme Hiring", admin_email=email, admin_password="a long passphrase"
    )
    assert admin.role == Role.admin and admin.org_id == org.id
    assert admin.email == email.lower()
    assert admin.password_hash.startswith("$argon2id$")
    assert "a long passphrase" not in admin.password_hash


@pytest.mark.parametrize(
    ("name", "email", "password", "error"),
    [
        ("", "ok@example.com", "long enough pw", InvalidInput),
        ("Acme", "not-an-email", "long enough pw", InvalidInput),
        ("Acme", "short@example.com", "short", InvalidInput),
    ],
)
def test_sign_up_rejects_bad_input(db, name, email, password, error):
    with pytest.raises(error):
        create_organisation(db, name=name, admin_email=email, admin_password=password)


def test_duplicate_email_is_a_conflict(db):
    email = _email("dup")
    create_organisation(db, name="One", admin_email=email, admin_password="long enough pw")
    with pytest.raises(Conflict):
        create_organisation(db, name="Two", admin_email=email, admin_password="long enough pw")


def test_password_sign_in_and_web_session_lifecycle(db):
    email = _email("signin")
    _, admin = create_organisation(
        db, name="Acme", admin_email=email, admin_password="long enough pw"
    )
    with pytest.raises(Unauthorized):
        authenticate(db, email=email, password="wrong password")
    member = authenticate(db, email=email.upper(), password="long enough pw")
    assert member.id == admin.id
    token = start_web_session(db, member=member)
    assert member_for_token(db, token=token).id == admin.id
    end_web_session(db, token=token)
    assert member_for_token(db, token=token) is None
    assert member_for_token(db, token="made-up") is None


def test_roles_and_last_admin_protection(db):
    org, admin = create_organisation(
        db, name="Acme", admin_email=_email("admin"), admin_password="long enough pw"
    )
    reviewer = add_member(
        db, org_id=org.id, email=_email("rev"), role="reviewer", password="long enough pw"
    )
    assert reviewer.role == Role.reviewer
    with pytest.raises(Forbidden):
        change_role(db, org_id=org.id, member_id=admin.id, role="viewer")
    with pytest.raises(Forbidden):
        deactivate_member(db, org_id=org.id, member_id=admin.id)
    change_role(db, org_id=org.id, member_id=reviewer.id, role="admin")
    token = start_web_session(db, member=reviewer)
    deactivate_member(db, org_id=org.id, member_id=admin.id)
    assert member_for_token(db, token=token) is not None
    with pytest.raises(Unauthorized):
        authenticate(db, email=admin.email, password="long enough pw")


def test_api_key_is_stored_only_as_sha256_and_revocable(db):
    org, _ = create_organisation(
        db, name="Acme", admin_email=_email("keys"), admin_password="long enough pw"
    )
    key, raw = api_keys.create_api_key(db, org_id=org.id, scope="pipeline", name="ATS sync")
    assert raw.startswith("tl_sk_pipeline_")
    assert key.key_hash != raw and len(key.key_hash) == 64
    assert raw not in key.display_prefix
    assert api_keys.key_for_secret(db, raw=raw).id == key.id
    assert api_keys.scope_allows(key.scope, ApiScope.pipeline)
    assert not api_keys.scope_allows(key.scope, ApiScope.assessments)
    api_keys.revoke_api_key(db, org_id=org.id, key_id=key.id)
    assert api_keys.key_for_secret(db, raw=raw) is None
    with pytest.raises(InvalidInput):
        api_keys.create_api_key(db, org_id=org.id, scope="everything")


def test_unknown_role_is_a_clear_input_error(db):
    org, admin = create_organisation(
        db, name="Acme", admin_email=_email("roles"), admin_password="long enough pw"
    )
    with pytest.raises(InvalidInput, match="admin, reviewer or viewer"):
        change_role(db, org_id=org.id, member_id=admin.id, role="owner")
    with pytest.raises(InvalidInput):
        add_member(db, org_id=org.id, email=_email("x"), role="superuser")
