"""A person added to a job from the web app by name and email: the organisation's candidate
with that address (compared as ``candidate_import`` compares them), or a new one, and their
application to the job, made by ``applications.create_application`` as the pipeline API makes
it (same checks, same webhook activity). One transaction: a refused application (the person
already applied) leaves no new candidate behind."""

from __future__ import annotations

from pydantic import BaseModel
from sqlmodel import Session

from backend.models.email_addresses import InvalidEmail, normalised_email
from backend.models.pipeline import LEN_NAME, Application, ApplicationCreate, Candidate
from backend.services.candidate_import import address_key, known_candidates
from backend.services.errors import InvalidInput
from backend.services.pipeline.applications import create_application

# What the pipeline records for people and applications added by hand in the web app.
SOURCE = "web"
APPLIED_STATUS = "Applied"
FIRST_STAGE = "Screening"


class NewApplicant(BaseModel):
    """The add-application form: "Grace Hopper" and her address."""

    name: str
    email: str


def _person(applicant: NewApplicant) -> tuple[str, str | None, str]:
    name = " ".join(applicant.name.split())
    if not name:
        raise InvalidInput("Enter the candidate's name.", code="name_required")
    if len(name) > LEN_NAME:
        raise InvalidInput(f"The name is longer than {LEN_NAME} characters.", code="name_too_long")
    try:
        email = normalised_email(applicant.email.strip())
    except InvalidEmail as exc:
        raise InvalidInput(f"Not an email address: {exc.reason}", code="invalid_email") from None
    # "Grace Hopper" → Grace / Hopper; a single word is a first name (as the import reads it).
    first, _, last = name.partition(" ")
    return first, last or None, email


def add_applicant(
    session: Session, *, org_id: str, job_id: str, applicant: NewApplicant
) -> Application:
    """The new application of ``applicant`` to the organisation's job ``job_id``.

    400 for an empty name or a bad address, NotFound for another organisation's job, 409
    ``duplicate_application`` when this person already applied to the job."""
    first, last, email = _person(applicant)
    known = known_candidates(session, org_id=org_id, addresses=[address_key(email)])
    people = known.get(address_key(email)) or []
    try:
        if people:
            candidate = people[0]
        else:
            candidate = Candidate(
                org_id=org_id, source=SOURCE, first_name=first, last_name=last, email=email
            )
            session.add(candidate)
            session.flush()  # the application service reads it back by id
        return create_application(
            session,
            org_id=org_id,
            data=ApplicationCreate(
                candidate_id=candidate.id,
                job_id=job_id,
                source_application_status=APPLIED_STATUS,
                application_stage=FIRST_STAGE,
            ),
        )
    except Exception:
        session.rollback()  # a refused application keeps no new candidate
        raise
