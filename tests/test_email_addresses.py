"""Email addresses: any syntactically valid address is accepted wherever one is entered (no
domain is refused for being a special-use name that a company's own mail may well use), and
malformed ones are refused everywhere alike."""

from __future__ import annotations

import json
import uuid

import pytest
from pydantic import ValidationError

from backend.models.assessments import KeysCreate
from backend.models.pipeline import CandidateCreate
from backend.services.candidate_import import ImportPreview, preview_csv
from backend.services.errors import InvalidInput
from backend.services.organisations import normalise_email
from tests.test_cli import cli

SPECIAL_USE = ["ada@acme.test", "grace@mail.corp.local", "linus@hr.acme.internal"]
MALFORMED = ["ada@localhost", "not-an-email", "ada@@acme.test", "ada @acme.test"]


def _candidate(email: str) -> CandidateCreate:
    return CandidateCreate.model_validate(
        {
            "first_name": "Casey",
            "email": email,
            "phone_no": "+19179991111",
            "source": "ats",
            "source_id": "1",
        }
    )


def _imported(email: str) -> ImportPreview:
    return preview_csv(f"email\n{email}\n".encode())


def _keys(email: str) -> KeysCreate:
    return KeysCreate.model_validate({"count": 1, "candidateEmails": [email]})


@pytest.mark.parametrize("email", SPECIAL_USE)
def test_special_use_domains_are_accepted_everywhere(email):
    assert normalise_email(email) == email
    assert _keys(email).candidate_emails == [email]
    assert _candidate(email).email == email
    assert [r.email for r in _imported(email).valid] == [email]


@pytest.mark.parametrize("email", MALFORMED)
def test_malformed_addresses_are_refused_everywhere(email):
    with pytest.raises(InvalidInput):
        normalise_email(email)
    with pytest.raises(ValidationError):
        _keys(email)
    with pytest.raises(ValidationError):
        _candidate(email)
    assert _imported(email).valid == []


def test_the_readme_create_org_example_works():
    email = f"ada-{uuid.uuid4().hex[:6]}@acme.test"
    out = json.loads(
        cli(
            "create-org",
            "Acme Hiring",
            "--admin-email",
            email,
            "--admin-password",
            "a long passphrase",
        ).stdout
    )
    assert out["admin_email"] == email
