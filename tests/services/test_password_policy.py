"""New passwords: at least 12 characters and not easy to guess, wherever one is set (sign-up,
the CLI, adding a member), with the reason in words the person can act on."""

from __future__ import annotations

import uuid

import pytest

from backend.services.errors import InvalidInput
from backend.services.organisations import add_member, create_organisation
from backend.services.passwords import password_problem
from tests.helpers import make_org
from tests.test_cli import cli


def _email() -> str:
    return f"policy-{uuid.uuid4().hex[:8]}@example.com"


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("1234567890", "at least 12 characters"),
        (" " * 10, "at least 12 characters"),
        (" " * 12, 'too easy to guess. Repeats like "aaa" are easy to guess.'),
        ("123456789012", "too easy to guess"),
        ("password1234", "too easy to guess. This is a very common password."),
        ("qwertyuiop12", "too easy to guess"),
    ],
)
def test_sign_up_refuses_short_and_common_passwords(db, password, reason):
    with pytest.raises(InvalidInput, match=reason) as refused:
        create_organisation(db, name="Acme", admin_email=_email(), admin_password=password)
    assert refused.value.code == "weak_password"


def test_a_password_made_of_the_persons_own_details_is_refused():
    details = ("quibbly.zorblax@widgets.example", "Quibbly Zorblax", "Zorblax Widgets")
    assert "too easy to guess" in password_problem("zorblaxquibbly", about_the_person=details)
    assert password_problem("zorblaxquibbly") is None  # refused only because it is theirs


def test_a_long_unusual_passphrase_is_accepted(db):
    _, admin = create_organisation(
        db, name="Acme", admin_email=_email(), admin_password="copper lantern drifts"
    )
    assert admin.password_hash


def test_adding_a_member_applies_the_same_rule(db):
    org = make_org()
    with pytest.raises(InvalidInput, match="at least 12 characters"):
        add_member(db, org_id=org.org_id, email=_email(), role="viewer", password="hunter2hunt")
    with pytest.raises(InvalidInput, match="too easy to guess"):
        add_member(db, org_id=org.org_id, email=_email(), role="viewer", password="hunter2hunter2")
    member = add_member(
        db, org_id=org.org_id, email=_email(), role="viewer", password="violet harbour ninety"
    )
    assert member.password_hash


def test_the_command_line_refuses_a_weak_admin_password():
    result = cli(
        "create-org",
        "CLI Weak",
        "--admin-email",
        _email(),
        "--admin-password",
        "1234567890",
        check=False,
    )
    assert result.returncode == 2
    assert "at least 12 characters" in result.stderr
    assert "Traceback" not in result.stderr
