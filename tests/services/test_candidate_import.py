"""Candidates imported from a recruiter's CSV file: the preview a recruiter checks row by row,
the import that makes no duplicates however often it runs, and invites made by the same key
generation as every other invite (so the billing gate and the outbox apply), delivered to a
real local SMTP server (aiosmtpd)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import Session, col, select

from backend.models import Candidate, CandidateKey, OutboundEmail
from backend.models.assessments import AssessmentCreate
from backend.models.billing import BillingAccount
from backend.services import mail
from backend.services.assessments import create_assessment
from backend.services.candidate_import import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    import_candidates,
    import_csv,
    preview_csv,
)
from backend.services.errors import NotFound
from backend.services.invite_delivery import invite_deliveries
from backend.settings import get_settings
from tests.helpers import make_org

# What a spreadsheet saves as "CSV UTF-8" in a semicolon locale: a byte-order mark, semicolons,
# headers as people write them, columns the import does not use, a blank line.
SPREADSHEET = (
    "\ufeffFirst name;Last name;E-mail;Phone;Notes\r\n"
    "Grace;Hopper;grace@navy.test;+1 555 0100;met at the meetup\r\n"
    "Alan;Turing;alan@@bletchley.test;;\r\n"
    "\r\n"
    "Ada;Lovelace;;;\r\n"
    "Linus;Torvalds;linus@kernel.test;;\r\n"
    "Grace;H.;GRACE@navy.test;;listed twice\r\n"
).encode()


def _emails(count: int, domain: str = "example.test") -> str:
    return "".join(f"Person {i},person{i}@{domain}\n" for i in range(count))


def _assessment(db: Session, org_id: str, title: str = "Rate limiter") -> str:
    data = AssessmentCreate.model_validate(
        {"title": title, "role": "Backend Engineer", "taskBrief": "Build it."}
    )
    return create_assessment(db, org_id=org_id, data=data).id


def _people(db: Session, org_id: str) -> list[Candidate]:
    return list(
        db.exec(select(Candidate).where(Candidate.org_id == org_id).order_by(col(Candidate.email)))
    )


def _keys(db: Session, org_id: str) -> list[CandidateKey]:
    return list(
        db.exec(
            select(CandidateKey)
            .where(CandidateKey.org_id == org_id)
            .order_by(col(CandidateKey.candidate_email))
        )
    )


# -- reading the file ---------------------------------------------------------------------------


def test_a_spreadsheets_file_reads_into_rows_with_the_problems_on_their_rows():
    preview = preview_csv(SPREADSHEET)
    assert preview.file_problem is None
    seen = [(r.row, r.email, r.name, r.problem) for r in preview.rows]
    assert seen[0] == (2, "grace@navy.test", "Grace Hopper", None)
    assert seen[1][:3] == (3, "alan@@bletchley.test", "Alan Turing")
    assert (seen[1][3] or "").startswith("Not an email address")
    # Row 4 is blank: skipped, but the spreadsheet's numbering is kept.
    assert seen[2] == (5, "", "Ada Lovelace", "No email address.")
    assert seen[3] == (6, "linus@kernel.test", "Linus Torvalds", None)
    assert seen[4][:2] == (7, "GRACE@navy.test")
    assert seen[4][3] == "Same email as row 2; each person is imported once."
    assert [r.row for r in preview.valid] == [2, 6]


def test_a_comma_file_with_one_name_column_and_no_byte_order_mark():
    preview = preview_csv(
        b"Name,Email\nGrace Brewster Hopper,grace@navy.test\nLinus,linus@k.test\n"
    )
    assert [(r.first_name, r.last_name, r.email) for r in preview.valid] == [
        ("Grace", "Brewster Hopper", "grace@navy.test"),
        ("Linus", None, "linus@k.test"),
    ]
    # A comma inside quotes does not split a semicolon file's cells.
    quoted = preview_csv(b'email;name\nada@acme.test;"Lovelace, Ada"\n')
    assert [(r.email, r.name) for r in quoted.valid] == [("ada@acme.test", "Lovelace, Ada")]
    # Excel's "sep=" line names the separator; the header is still row 1.
    excel = preview_csv(
        b"sep=;\r\nName;Email;Notes, comments, other\r\nAda, Countess;ada@acme.test;\r\n"
    )
    assert [(r.row, r.email, r.name) for r in excel.valid] == [
        (2, "ada@acme.test", "Ada, Countess")
    ]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"name,email\n" + _emails(MAX_ROWS + 1).encode(), f"import at most {MAX_ROWS}"),
        (b"x" * (MAX_FILE_BYTES + 1), "larger than 1 MB"),
        (b"name,phone\nGrace,123\n", "No email column"),
        ("email\ngrâce@navy.test\n".encode("latin-1"), "not UTF-8"),
        (b"\n\n", "The file is empty."),
        (b"email,name\n", "no candidates"),
    ],
)
def test_a_file_that_cannot_be_imported_is_refused_whole(data: bytes, problem: str):
    preview = preview_csv(data)
    assert problem in (preview.file_problem or "")
    assert preview.valid == []


def test_the_most_rows_one_import_takes_are_read():
    assert len(preview_csv(b"name,email\n" + _emails(MAX_ROWS).encode()).valid) == MAX_ROWS


# -- importing ----------------------------------------------------------------------------------


def test_importing_the_same_file_twice_makes_no_duplicates(db: Session):
    org = make_org()
    first = import_candidates(db, org_id=org.org_id, preview=preview_csv(SPREADSHEET))
    assert (first.created, first.already_existed, first.invited) == (2, 0, 0)
    assert [(s.row, s.email) for s in first.skipped] == [
        (3, "alan@@bletchley.test"),
        (5, ""),
        (7, "GRACE@navy.test"),
    ]
    people = _people(db, org.org_id)
    assert [(p.first_name, p.last_name, p.email, p.source) for p in people] == [
        ("Grace", "Hopper", "grace@navy.test", "csv"),
        ("Linus", "Torvalds", "linus@kernel.test", "csv"),
    ]

    # The same people again, one typed in capitals: nobody new.
    again = import_candidates(
        db,
        org_id=org.org_id,
        preview=preview_csv(b"email,name\nLINUS@kernel.test,Linus T\ngrace@navy.test,G\n"),
    )
    assert (again.created, again.already_existed) == (0, 2)
    assert [p.id for p in _people(db, org.org_id)] == [p.id for p in people]
    # Their names are kept: the import does not overwrite a person it already knew.
    assert _people(db, org.org_id)[1].last_name == "Torvalds"
    # Another organisation with the same file gets its own candidates.
    other = make_org()
    assert import_candidates(db, org_id=other.org_id, preview=preview_csv(SPREADSHEET)).created == 2


def test_imported_candidates_are_invited_once_through_the_key_generation(db: Session):
    org = make_org()
    assessment_id = _assessment(db, org.org_id)
    result = import_csv(db, org_id=org.org_id, data=SPREADSHEET, assessment_id=assessment_id)[1]
    assert (result.created, result.invited) == (2, 2)

    keys = _keys(db, org.org_id)
    assert [(k.candidate_email, k.candidate_name, k.assessment_id) for k in keys] == [
        ("grace@navy.test", "Grace Hopper", assessment_id),
        ("linus@kernel.test", "Linus Torvalds", assessment_id),
    ]
    invites = db.exec(
        select(OutboundEmail).where(col(OutboundEmail.related_id).in_([k.id for k in keys]))
    ).all()
    assert sorted(e.to_address for e in invites) == ["grace@navy.test", "linus@kernel.test"]
    assert {e.purpose for e in invites} == {mail.CANDIDATE_INVITE}
    # Mail is off in tests: the assessment page says so, as for any other invite.
    assert {d.state for d in invite_deliveries(db, keys=keys).values()} == {"not_sent"}

    # Importing the file again invites nobody twice.
    again = import_csv(db, org_id=org.org_id, data=SPREADSHEET, assessment_id=assessment_id)[1]
    assert (again.created, again.already_existed, again.invited) == (0, 2, 0)
    assert [s.reason for s in again.skipped if s.row in (2, 6)] == [
        "Already invited to Rate limiter; not invited again."
    ] * 2
    assert len(_keys(db, org.org_id)) == 2

    # A revoked key does not count: that person is invited again.
    keys[0].revoked_at = keys[0].created_at
    db.add(keys[0])
    db.commit()
    third = import_csv(db, org_id=org.org_id, data=SPREADSHEET, assessment_id=assessment_id)[1]
    assert third.invited == 1


def test_more_candidates_than_one_key_batch_are_all_invited(db: Session):
    org = make_org()
    assessment_id = _assessment(db, org.org_id)
    data = b"name,email\n" + _emails(120, domain=f"{org.org_id[:8]}.test").encode()
    result = import_csv(db, org_id=org.org_id, data=data, assessment_id=assessment_id)[1]
    assert (result.created, result.invited, result.skipped) == (120, 120, [])
    assert len({k.key for k in _keys(db, org.org_id)}) == 120


def test_without_a_subscription_candidates_are_imported_but_not_invited(db: Session):
    org = make_org()
    assessment_id = _assessment(db, org.org_id)
    db.add(BillingAccount(org_id=org.org_id, plan="team", status="canceled"))
    db.commit()
    result = import_csv(db, org_id=org.org_id, data=SPREADSHEET, assessment_id=assessment_id)[1]
    assert (result.created, result.invited) == (2, 0)
    not_invited = [s for s in result.skipped if s.row in (2, 6)]
    assert [s.reason for s in not_invited] == [
        "Not invited: Subscription inactive. Subscribe to continue."
    ] * 2
    assert _keys(db, org.org_id) == []
    assert len(_people(db, org.org_id)) == 2


def test_an_assessment_of_another_organisation_saves_nothing(db: Session):
    org, other = make_org(), make_org()
    foreign = _assessment(db, other.org_id)
    with pytest.raises(NotFound):
        import_csv(db, org_id=org.org_id, data=SPREADSHEET, assessment_id=foreign)
    assert _people(db, org.org_id) == []
    assert _keys(db, other.org_id) == []


class _Inbox:
    def __init__(self) -> None:
        self.received: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        self.received.extend(envelope.rcpt_tos)
        return "250 Message accepted"


@pytest.fixture()
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Inbox]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("TRUELEVEL_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("TRUELEVEL_SMTP_PORT", str(port))
    get_settings.cache_clear()
    try:
        yield inbox
    finally:
        controller.stop()
        monkeypatch.undo()
        get_settings.cache_clear()


def test_the_invites_of_an_import_are_delivered(db: Session, smtp: _Inbox):
    org = make_org()
    assessment_id = _assessment(db, org.org_id)
    import_csv(db, org_id=org.org_id, data=SPREADSHEET, assessment_id=assessment_id)
    keys = _keys(db, org.org_id)
    mail.deliver_pending(db, related_ids=[k.id for k in keys])  # what the worker does
    db.expire_all()
    assert sorted(smtp.received) == ["grace@navy.test", "linus@kernel.test"]
    assert {d.state for d in invite_deliveries(db, keys=keys).values()} == {"sent"}
