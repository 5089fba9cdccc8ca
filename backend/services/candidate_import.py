"""Candidates from a spreadsheet: a recruiter's CSV file read into a preview they can check row
by row, then imported as pipeline candidates and, if they ask, invited to one assessment.

Reading (``preview_csv``): UTF-8 with or without a byte-order mark, comma- or
semicolon-separated (as Excel's ``sep=`` line says, else whichever the header row uses more).
Headers are matched loosely: an email
column (``email``, ``E-mail``, ``Email address``) is required; the name comes from a ``name``
column or from ``first name`` and ``last name``; other columns (phone, notes …) are ignored.
Row numbers are the spreadsheet's: the header is row 1. A row is refused with the reason in
the recruiter's words (no email, not an email address, the same email as an earlier row, a name
too long to store); a file is refused whole when it is too big, has too many rows, is not
UTF-8 text or has no email column. Blank rows are skipped silently.

Importing (``import_candidates``): one ``Candidate`` per address in the organisation, found
case-insensitively as ``person_records`` compares addresses, so importing the same file twice
makes no duplicates. A person already in the pipeline is kept as they are (an ATS may own their
name); only a missing name is filled in. The candidates are saved first; invites then go
through ``candidate_keys.generate_keys``, the one path every key takes (billing gate, invite
email in the outbox, delivery status on the assessment page), in batches of at most
``MAX_KEYS``. Someone who already holds a usable key to the assessment is not invited twice; a
batch the key generation refuses (no subscription, say) leaves its people imported but not
invited, each with the reason, and importing the file again once that is fixed invites them.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

from pydantic import BaseModel, Field
from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from backend.models import Assessment, Candidate, CandidateKey
from backend.models.assessments import MAX_KEYS, KeysCreate
from backend.models.base import utcnow
from backend.models.email_addresses import MAX_EMAIL_LENGTH, InvalidEmail, normalised_email
from backend.models.pipeline import LEN_NAME
from backend.services.assessments import get_assessment
from backend.services.candidate_keys import generate_keys
from backend.services.errors import DomainError

MAX_ROWS = 1000
MAX_FILE_BYTES = 1024 * 1024
# What the pipeline records as the candidate's source.
SOURCE = "csv"

_EMAIL_HEADERS = {"email", "emailaddress", "mail", "candidateemail"}
_NAME_HEADERS = {"name", "fullname", "candidatename", "candidate"}
_FIRST_HEADERS = {"firstname", "first", "givenname", "forename"}
_LAST_HEADERS = {"lastname", "last", "surname", "familyname"}


class ImportRow(BaseModel):
    """One data row of the file as the preview shows it; ``problem`` says why it will not be
    imported (None: it will)."""

    row: int  # the spreadsheet's row number (the header is row 1)
    email: str  # as written in the file, trimmed
    first_name: str = ""
    last_name: str | None = None
    problem: str | None = None

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name or "") if p)


class ImportPreview(BaseModel):
    """The file read: its rows, or the reason the whole file is refused."""

    file_problem: str | None = None
    rows: list[ImportRow] = Field(default_factory=list)

    @property
    def valid(self) -> list[ImportRow]:
        return [] if self.file_problem else [r for r in self.rows if r.problem is None]

    @property
    def refused(self) -> list[ImportRow]:
        return [r for r in self.rows if r.problem is not None]


class Skipped(BaseModel):
    row: int
    email: str
    reason: str


class ImportResult(BaseModel):
    """What an import did, in counts a recruiter reads back."""

    created: int = 0
    already_existed: int = 0
    invited: int = 0
    # Rows of the file not imported, and people imported but not invited, with the reason.
    skipped: list[Skipped] = Field(default_factory=list)


class _Columns(BaseModel):
    email: int
    name: int | None = None
    first: int | None = None
    last: int | None = None


def address_key(email: str) -> str:
    """How two addresses are compared: normal form, case-folded (as ``person_records`` does)."""
    return normalised_email(email).casefold()


def _header_word(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.casefold())


def _columns(header: Sequence[str]) -> _Columns | None:
    found: dict[str, int] = {}
    for index, text in enumerate(header):
        word = _header_word(text)
        for field, names in (
            ("email", _EMAIL_HEADERS),
            ("name", _NAME_HEADERS),
            ("first", _FIRST_HEADERS),
            ("last", _LAST_HEADERS),
        ):
            if word in names:
                found.setdefault(field, index)
    return _Columns(**found) if "email" in found else None


def _delimiter(text: str) -> tuple[str, str]:
    """The separator and the text without Excel's ``sep=;`` line (Excel hides it; the header
    is still row 1); else whichever of ``;`` and ``,`` the header row holds more of."""
    first, _, rest = text.partition("\n")
    marker = first.strip()
    if len(marker) == 5 and marker.casefold().startswith("sep=") and marker[4] in ",;\t":
        return marker[4], rest
    return (";" if first.count(";") > first.count(",") else ","), text


def _cell(record: Sequence[str], index: int | None) -> str:
    if index is None or index >= len(record):
        return ""
    return " ".join(record[index].split())


def _read_row(number: int, record: Sequence[str], columns: _Columns) -> ImportRow:
    email = _cell(record, columns.email)
    first, last = _cell(record, columns.first), _cell(record, columns.last)
    if not first and not last:
        # "Grace Hopper" → Grace / Hopper; a single word is a first name.
        first, _, last = _cell(record, columns.name).partition(" ")
    row = ImportRow(row=number, email=email, first_name=first, last_name=last or None)
    if not email:
        row.problem = "No email address."
    elif len(email) > MAX_EMAIL_LENGTH:
        row.problem = f"The email address is longer than {MAX_EMAIL_LENGTH} characters."
    elif len(first) > LEN_NAME or len(last) > LEN_NAME:
        row.problem = f"The name is longer than {LEN_NAME} characters."
    else:
        try:
            normalised_email(email)
        except InvalidEmail as exc:
            row.problem = f"Not an email address: {exc.reason}"
    return row


def _mark_duplicates(rows: Iterable[ImportRow]) -> None:
    first_row: dict[str, int] = {}
    for row in rows:
        if row.problem is not None:
            continue
        key = address_key(row.email)
        if key in first_row:
            row.problem = f"Same email as row {first_row[key]}; each person is imported once."
        else:
            first_row[key] = row.row


def preview_csv(data: bytes) -> ImportPreview:
    """Read a CSV upload into what the recruiter checks before importing."""
    if len(data) > MAX_FILE_BYTES:
        return ImportPreview(
            file_problem=f"The file is larger than {MAX_FILE_BYTES // 1024 // 1024} MB. "
            f"Import at most {MAX_ROWS} candidates at a time."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ImportPreview(
            file_problem="The file is not UTF-8 text. In your spreadsheet, save it as "
            "“CSV UTF-8” and choose it again."
        )
    delimiter, text = _delimiter(text)
    if not text.strip():
        return ImportPreview(file_problem="The file is empty.")
    try:
        records = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        return ImportPreview(file_problem=f"The file is not a CSV file the app can read: {exc}.")
    columns = _columns(records[0])
    if columns is None:
        return ImportPreview(
            file_problem="No email column: the first row must name the columns, one of them "
            "“email” (and “name”, or “first name” and “last name”)."
        )
    numbered = [
        (number, record)
        for number, record in enumerate(records[1:], start=2)
        if any(cell.strip() for cell in record)
    ]
    if len(numbered) > MAX_ROWS:
        return ImportPreview(
            file_problem=f"The file has {len(numbered)} candidates; import at most {MAX_ROWS} "
            "at a time. Split it into smaller files."
        )
    if not numbered:
        return ImportPreview(file_problem="The file has a header row but no candidates.")
    rows = [_read_row(number, record, columns) for number, record in numbered]
    _mark_duplicates(rows)
    return ImportPreview(rows=rows)


def known_candidates(
    session: Session, *, org_id: str, addresses: Sequence[str]
) -> dict[str, list[Candidate]]:
    """The organisation's candidates with any of ``addresses`` (compared case-folded)."""
    found: dict[str, list[Candidate]] = {}
    if not addresses:
        return found
    stored = func.lower(func.trim(col(Candidate.email)))
    for person in session.exec(
        select(Candidate).where(Candidate.org_id == org_id, stored.in_(addresses))
    ):
        found.setdefault(person.email.strip().casefold(), []).append(person)
    return found


def _invited_already(
    session: Session, *, org_id: str, assessment_id: str, addresses: Sequence[str]
) -> set[str]:
    """The addresses holding a usable key to the assessment: not revoked, and either redeemed
    or not yet expired."""
    if not addresses:
        return set()
    stored = func.lower(func.trim(col(CandidateKey.candidate_email)))
    rows = session.exec(
        select(CandidateKey.candidate_email).where(
            CandidateKey.org_id == org_id,
            CandidateKey.assessment_id == assessment_id,
            col(CandidateKey.revoked_at).is_(None),
            or_(col(CandidateKey.session_id).is_not(None), col(CandidateKey.expires_at) > utcnow()),
            stored.in_(addresses),
        )
    )
    return {(email or "").strip().casefold() for email in rows}


def _save_people(
    session: Session, *, org_id: str, rows: Sequence[ImportRow], result: ImportResult
) -> None:
    """Add (not commit) a candidate per new address; fill in the missing names of known ones."""
    known = known_candidates(session, org_id=org_id, addresses=[address_key(r.email) for r in rows])
    for row in rows:
        people = known.get(address_key(row.email))
        if not people:
            session.add(
                Candidate(
                    org_id=org_id,
                    source=SOURCE,
                    first_name=row.first_name,
                    last_name=row.last_name,
                    email=normalised_email(row.email),
                )
            )
            result.created += 1
            continue
        result.already_existed += 1
        for person in people:
            if row.first_name and not person.first_name.strip():
                person.first_name, person.last_name = row.first_name, row.last_name
                person.updated_at = utcnow()
                session.add(person)


def _batches(rows: Sequence[ImportRow]) -> list[Sequence[ImportRow]]:
    return [rows[i : i + MAX_KEYS] for i in range(0, len(rows), MAX_KEYS)]


def _invite(
    session: Session,
    *,
    org_id: str,
    assessment: Assessment,
    rows: Sequence[ImportRow],
    result: ImportResult,
) -> None:
    """Keys and invite emails for those of ``rows`` not yet holding a usable key, by
    ``generate_keys``; what it refuses is reported as skipped."""
    holding = _invited_already(
        session,
        org_id=org_id,
        assessment_id=assessment.id,
        addresses=[address_key(r.email) for r in rows],
    )
    to_invite = []
    for row in rows:
        if address_key(row.email) in holding:
            result.skipped.append(
                Skipped(
                    row=row.row,
                    email=row.email,
                    reason=f"Already invited to {assessment.title}; not invited again.",
                )
            )
        else:
            to_invite.append(row)
    for number, batch in enumerate(_batches(to_invite)):
        data = KeysCreate(
            count=len(batch),
            candidate_emails=[normalised_email(r.email) for r in batch],
            candidate_names=[r.name[:LEN_NAME] for r in batch],
        )
        try:
            made = generate_keys(session, org_id=org_id, assessment_id=assessment.id, data=data)
        except DomainError as exc:
            session.rollback()
            result.skipped += [
                Skipped(row=r.row, email=r.email, reason=f"Not invited: {exc.message}")
                for r in to_invite[number * MAX_KEYS :]
            ]
            return
        result.invited += len(made)


def import_candidates(
    session: Session, *, org_id: str, preview: ImportPreview, assessment_id: str | None = None
) -> ImportResult:
    """Import the preview's valid rows as candidates and, with ``assessment_id``, invite them.
    ``NotFound`` (nothing saved) for an assessment the organisation does not have."""
    result = ImportResult(
        skipped=[Skipped(row=r.row, email=r.email, reason=r.problem or "") for r in preview.refused]
    )
    assessment = (
        get_assessment(session, org_id=org_id, assessment_id=assessment_id)
        if assessment_id
        else None
    )
    rows = preview.valid
    if rows:
        _save_people(session, org_id=org_id, rows=rows, result=result)
        session.commit()
    if assessment is not None and rows:
        _invite(session, org_id=org_id, assessment=assessment, rows=rows, result=result)
    result.skipped.sort(key=lambda s: s.row)
    return result


def import_csv(
    session: Session, *, org_id: str, data: bytes, assessment_id: str | None = None
) -> tuple[ImportPreview, ImportResult]:
    """Read and import a file in one step (for the API)."""
    preview = preview_csv(data)
    return preview, import_candidates(
        session, org_id=org_id, preview=preview, assessment_id=assessment_id
    )
