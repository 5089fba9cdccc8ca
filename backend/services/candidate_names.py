"""Who an evaluation or an interview is about, as a person rather than a key or a job title.

One rule decides the name shown for a candidate (``display_name``): the person's name when it is
known, else their email, else the record's own reference (a candidate key such as
``TL-6YNA-2MKM`` for an evaluation, the job title for an interview).

Where the person is known:
- an evaluation submitted from a candidate session: the session's candidate key carries the
  ``candidate_name``/``candidate_email`` of the invite; an evaluation submitted through the API
  whose ``candidate_ref`` is one of the organisation's candidate keys reads that key the same way;
- an interview made from a call: the call's pipeline candidate (first and last name, email).

The lookups take a page of rows at once (three queries at most, whatever the page size).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlmodel import Session, SQLModel, col, select

from backend.models.assessments import CandidateKey, CandidateSession
from backend.models.evaluations import Evaluation
from backend.models.interviews import InterviewCall, InterviewJob
from backend.models.pipeline import Candidate

Linked = TypeVar("Linked", bound=SQLModel)


def display_name(name: str | None, email: str | None, fallback: str) -> str:
    """The name a person is shown by: their name, else their email, else ``fallback``."""
    return (name or "").strip() or (email or "").strip() or fallback


class CandidateName(BaseModel):
    """A candidate as the pages and exports head them."""

    name: str | None = None
    email: str | None = None
    # The record's own reference, shown when nothing better is known.
    fallback: str

    @property
    def display(self) -> str:
        return display_name(self.name, self.email, self.fallback)

    @property
    def known(self) -> bool:
        return bool((self.name or "").strip() or (self.email or "").strip())


def _linked(session: Session, ids: set[str], link: Any, target: type[Linked]) -> dict[str, Linked]:
    """The ``target`` row each of ``ids`` points at through the foreign key ``link`` (a column
    of the rows with those ids), by id: one query, none for no ids."""
    if not ids:
        return {}
    owner_id = col(link.class_.id)
    rows = session.exec(
        select(owner_id, target).join(target, col(target.id) == col(link)).where(owner_id.in_(ids))
    )
    return {row_id: row for row_id, row in rows.all()}


def _key_name(key: CandidateKey | None, fallback: str) -> CandidateName:
    if key is None:
        return CandidateName(fallback=fallback)
    return CandidateName(name=key.candidate_name, email=key.candidate_email, fallback=fallback)


def evaluation_candidates(
    session: Session, evaluations: Sequence[Evaluation]
) -> dict[str, CandidateName]:
    """Each evaluation's candidate, by evaluation id."""
    session_ids = {e.session_id for e in evaluations if e.session_id}
    key_by_session = _linked(session, session_ids, CandidateSession.candidate_key_id, CandidateKey)
    refs_by_org: dict[str, set[str]] = {}
    for e in evaluations:
        if e.session_id not in key_by_session:
            refs_by_org.setdefault(e.org_id, set()).add(e.candidate_ref)
    key_by_ref: dict[tuple[str, str], CandidateKey] = {}
    for org_id, refs in refs_by_org.items():
        for key in session.exec(
            select(CandidateKey).where(
                col(CandidateKey.org_id) == org_id, col(CandidateKey.key).in_(refs)
            )
        ).all():
            key_by_ref[(org_id, key.key)] = key
    out = {}
    for e in evaluations:
        key = key_by_session.get(e.session_id or "") or key_by_ref.get((e.org_id, e.candidate_ref))
        out[e.id] = _key_name(key, e.candidate_ref)
    return out


def evaluation_candidate(session: Session, evaluation: Evaluation) -> CandidateName:
    return evaluation_candidates(session, [evaluation])[evaluation.id]


def _person_name(candidate: Candidate) -> str:
    return " ".join(p.strip() for p in (candidate.first_name, candidate.last_name or "") if p)


def interview_candidates(
    session: Session, jobs: Sequence[InterviewJob]
) -> dict[str, CandidateName]:
    """Each interview job's candidate, by job id; the job title when it was not a call."""
    call_ids = {j.call_id for j in jobs if j.call_id}
    person_by_call = _linked(session, call_ids, InterviewCall.candidate_id, Candidate)
    out = {}
    for job in jobs:
        person = person_by_call.get(job.call_id or "")
        out[job.id] = (
            CandidateName(name=_person_name(person), email=person.email, fallback=job.role_title)
            if person is not None
            else CandidateName(fallback=job.role_title)
        )
    return out


def interview_candidate(session: Session, job: InterviewJob) -> CandidateName:
    return interview_candidates(session, [job])[job.id]
