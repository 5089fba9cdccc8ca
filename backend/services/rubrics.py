"""Rubrics: weighted categories of weighted criteria with five level descriptors each.

Rubrics are versioned: editing one adds a new row in the same family with version + 1 and leaves
the old row readable, so a report can always name the exact version that scored it.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from backend.models.assessments import (
    Assessment,
    Rubric,
    RubricCreate,
    RubricPublic,
    RubricRef,
    RubricUpdate,
)
from backend.models.base import iso, new_id
from backend.services.errors import Conflict
from backend.services.ownership import find_owned, get_owned

DEFAULT_RUBRIC_NAME = "truelevel default"


def _criterion(name: str, description: str, levels: list[str], weight: float = 1.0) -> dict:
    return {
        "name": name,
        "description": description,
        "weight": weight,
        "levels": {str(i): text for i, text in enumerate(levels, start=1)},
    }


def default_rubric_categories() -> list[dict[str, Any]]:
    """The product's default rubric: Code Quality, Technical Depth, Reasoning and Trade-offs,
    Testing and Security, each with criteria and level descriptors from 1 (weakest) to 5."""
    return [
        {
            "name": "Code Quality",
            "weight": 1.0,
            "criteria": [
                _criterion(
                    "Readability",
                    "Names, layout and comments let a reviewer follow the code quickly.",
                    [
                        "Hard to follow: misleading names, dead code, no visible structure.",
                        "Readable in places; inconsistent naming and long tangled functions.",
                        "Generally clear; some functions do too much or need comments.",
                        "Clear names and small functions; comments explain why, not what.",
                        "Reads like well-edited prose; intent is obvious at every level.",
                    ],
                ),
                _criterion(
                    "Structure",
                    "Responsibilities are separated and the change fits the existing design.",
                    [
                        "Everything in one place, or the existing design is ignored.",
                        "Some separation, but with duplication and leaky responsibilities.",
                        "Reasonable modules; a few misplaced responsibilities.",
                        "Cohesive modules with clear boundaries that follow the codebase.",
                        "Structure makes the next change easy; abstractions earn their keep.",
                    ],
                ),
                _criterion(
                    "Error handling",
                    "Failures are anticipated, reported clearly and never silently swallowed.",
                    [
                        "Errors are ignored or crash the program on ordinary bad input.",
                        "Happy path only; errors surface as unhelpful exceptions.",
                        "Common failures handled; some edge cases missed.",
                        "Failures handled at the right layer with clear messages.",
                        "Error paths are designed, consistent and tested.",
                    ],
                ),
            ],
        },
        {
            "name": "Technical Depth",
            "weight": 1.0,
            "criteria": [
                _criterion(
                    "Correctness",
                    "The solution does what the brief asks, including edge cases.",
                    [
                        "Does not solve the task or is fundamentally broken.",
                        "Solves part of the task; obvious cases fail.",
                        "Solves the main task; some edge cases fail.",
                        "Solves the task including the edge cases the brief implies.",
                        "Correct and robust, with edge cases the brief did not spell out.",
                    ],
                    weight=2.0,
                ),
                _criterion(
                    "Use of language and tools",
                    "Idiomatic use of the language, standard library and frameworks.",
                    [
                        "Fights the language; reinvents what the platform provides.",
                        "Works but is unidiomatic; misuses common libraries.",
                        "Mostly idiomatic with occasional awkward choices.",
                        "Idiomatic; picks suitable libraries and uses them well.",
                        "Expert use; knows the trade-offs of the tools chosen.",
                    ],
                ),
                _criterion(
                    "Performance awareness",
                    "Data structures and algorithms suit the expected scale.",
                    [
                        "Needlessly slow or wasteful in ways that would matter in practice.",
                        "Some avoidable inefficiency on the main path.",
                        "Adequate for the expected scale.",
                        "Efficient choices, with costs considered where they matter.",
                        "Measured or reasoned performance with sensible limits.",
                    ],
                ),
            ],
        },
        {
            "name": "Reasoning and Trade-offs",
            "weight": 1.0,
            "criteria": [
                _criterion(
                    "Problem decomposition",
                    "The work is broken into sensible steps, visible in commits or notes.",
                    [
                        "No visible plan; changes are random or all at once.",
                        "Some steps, but the approach changes without reason.",
                        "A workable plan followed in reasonable steps.",
                        "Clear incremental steps that each leave the code working.",
                        "Decomposition that de-risks the hardest part first.",
                    ],
                ),
                _criterion(
                    "Trade-off communication",
                    "Decisions, alternatives and limitations are explained.",
                    [
                        "No explanation of any decision.",
                        "Decisions stated but not justified.",
                        "Main decisions justified; limitations not mentioned.",
                        "Alternatives weighed and limitations stated honestly.",
                        "Crisp reasoning a teammate could act on, including what to do next.",
                    ],
                ),
            ],
        },
        {
            "name": "Testing",
            "weight": 1.0,
            "criteria": [
                _criterion(
                    "Coverage of behaviour",
                    "Tests exercise the behaviour the brief asks for, including failures.",
                    [
                        "No tests.",
                        "A token test that would not catch a regression.",
                        "Happy paths tested; failure cases missing.",
                        "Behaviour and important failure cases tested.",
                        "Thorough tests that document the behaviour precisely.",
                    ],
                ),
                _criterion(
                    "Test quality",
                    "Tests are deterministic, readable and test behaviour, not implementation.",
                    [
                        "Tests fail, are flaky, or assert nothing useful.",
                        "Tests mirror the implementation and break on refactoring.",
                        "Reasonable tests with some brittleness or duplication.",
                        "Clear, independent tests that would fail for real defects.",
                        "Exemplary tests: fast, focused and a pleasure to extend.",
                    ],
                ),
            ],
        },
        {
            "name": "Security",
            "weight": 1.0,
            "criteria": [
                _criterion(
                    "Input handling",
                    "Untrusted input is validated; injection and traversal are prevented.",
                    [
                        "Injectable or trivially exploitable.",
                        "Some validation, with exploitable gaps.",
                        "Common attacks prevented; some input trusted without need.",
                        "All untrusted input validated at the boundary.",
                        "Defence in depth, with safe defaults throughout.",
                    ],
                ),
                _criterion(
                    "Secrets and dependencies",
                    "No committed secrets; dependencies are justified and current.",
                    [
                        "Secrets committed or dangerous dependencies added.",
                        "Risky configuration or unpinned, unnecessary dependencies.",
                        "No secrets; dependencies acceptable.",
                        "Configuration from the environment; minimal, pinned dependencies.",
                        "Secure by construction, with risks called out.",
                    ],
                ),
            ],
        },
    ]


def _categories(data: RubricCreate) -> list[dict[str, Any]]:
    return [category.model_dump() for category in data.categories]


def create_rubric(
    session: Session, *, org_id: str, data: RubricCreate, is_default: bool = False
) -> Rubric:
    """Create version 1 of a new rubric family."""
    rubric = Rubric(
        org_id=org_id,
        family_id=new_id(),
        version=1,
        name=data.name,
        description=data.description,
        categories=_categories(data),
        is_latest=True,
        is_default=is_default,
    )
    session.add(rubric)
    session.commit()
    session.refresh(rubric)
    return rubric


def find_rubric(session: Session, *, org_id: str, rubric_id: str | None) -> Rubric | None:
    """Any version of the organisation's rubric with this id, or None."""
    return find_owned(session, Rubric, rubric_id, org_id=org_id)


def get_rubric(session: Session, *, org_id: str, rubric_id: str) -> Rubric:
    """Any version of the organisation's rubric (old versions stay readable), or NotFound."""
    return get_owned(session, Rubric, rubric_id, org_id=org_id, message="Rubric not found.")


def list_rubrics(session: Session, *, org_id: str) -> list[Rubric]:
    """The latest version of each of the organisation's rubrics, by name."""
    return list(
        session.exec(
            select(Rubric)
            .where(Rubric.org_id == org_id, col(Rubric.is_latest).is_(True))
            .order_by(col(Rubric.name), col(Rubric.family_id))
        )
    )


def rubric_versions(session: Session, *, org_id: str, family_id: str) -> list[Rubric]:
    """Every version of the organisation's rubric family, newest first (empty for a family
    that is another organisation's)."""
    return list(
        session.exec(
            select(Rubric)
            .where(Rubric.org_id == org_id, Rubric.family_id == family_id)
            .order_by(col(Rubric.version).desc())
        )
    )


class RubricUse(BaseModel):
    """An assessment scored with a rubric, and the version it was created with (it keeps that
    version when the rubric is edited)."""

    assessment_id: str
    title: str
    rubric_id: str
    version: int


def rubric_uses(
    session: Session, *, org_id: str, family_ids: list[str]
) -> dict[str, list[RubricUse]]:
    """The organisation's live assessments using any version of each family, by family id
    (oldest assessment first); a family no assessment uses is absent."""
    if not family_ids:
        return {}
    rows = session.exec(
        select(Assessment.id, Assessment.title, Rubric.id, Rubric.version, Rubric.family_id)
        .join(Rubric, col(Assessment.rubric_id) == col(Rubric.id))
        .where(
            Assessment.org_id == org_id,
            col(Assessment.deleted_at).is_(None),
            col(Rubric.family_id).in_(family_ids),
        )
        .order_by(col(Assessment.created_at), col(Assessment.id))
    )
    uses: dict[str, list[RubricUse]] = defaultdict(list)
    for assessment_id, title, rubric_id, version, family_id in rows.all():
        uses[family_id].append(
            RubricUse(
                assessment_id=assessment_id, title=title, rubric_id=rubric_id, version=version
            )
        )
    return dict(uses)


def update_rubric(
    session: Session,
    *,
    org_id: str,
    rubric_id: str,
    data: RubricUpdate,
    editing_version: int | None = None,
) -> Rubric:
    """Save an edit as a new version of the rubric's family (any version's id may be given);
    earlier versions stop being latest but stay readable. ``editing_version``: the latest
    version the editor started from; if another version was saved since, the edit is refused
    (Conflict) rather than silently replacing that version's changes."""
    current = get_rubric(session, org_id=org_id, rubric_id=rubric_id)
    family = list(session.exec(select(Rubric).where(Rubric.family_id == current.family_id)))
    newest = max(family, key=lambda r: r.version)
    if editing_version is not None and newest.version != editing_version:
        raise Conflict(
            f"Version {newest.version} of this rubric was saved while you were editing version "
            f"{editing_version}. Open version {newest.version} and make your changes there.",
            code="rubric_changed",
        )
    for row in family:
        if row.is_latest:
            row.is_latest = False
            session.add(row)
    rubric = Rubric(
        org_id=org_id,
        family_id=current.family_id,
        version=newest.version + 1,
        name=data.name,
        description=data.description,
        categories=_categories(data),
        is_latest=True,
        is_default=newest.is_default,
    )
    session.add(rubric)
    try:
        session.commit()
    except IntegrityError:
        # Another edit took this version number first (unique family_id + version).
        session.rollback()
        raise Conflict("The rubric was edited at the same time; reload it and try again.") from None
    session.refresh(rubric)
    return rubric


def ensure_default_rubric(session: Session, *, org_id: str) -> Rubric:
    """The latest version of the organisation's default rubric, created on first use."""
    existing = session.exec(
        select(Rubric).where(
            Rubric.org_id == org_id,
            col(Rubric.is_default).is_(True),
            col(Rubric.is_latest).is_(True),
        )
    ).first()
    if existing is not None:
        return existing
    data = RubricCreate(
        name=DEFAULT_RUBRIC_NAME,
        description="Starter rubric: edit the weights and descriptors to suit your roles.",
        categories=default_rubric_categories(),
    )
    return create_rubric(session, org_id=org_id, data=data, is_default=True)


def public_rubric(rubric: Rubric) -> RubricPublic:
    """The rubric version as the REST contract shows it."""
    return RubricPublic(
        id=rubric.id,
        org_id=rubric.org_id,
        family_id=rubric.family_id,
        version=rubric.version,
        name=rubric.name,
        description=rubric.description,
        categories=rubric.categories,
        is_latest=rubric.is_latest,
        is_default=rubric.is_default,
        created_at=iso(rubric.created_at),
    )


def rubric_ref(rubric: Rubric) -> RubricRef:
    """The small form an assessment embeds: enough to name the version."""
    return RubricRef(id=rubric.id, name=rubric.name, version=rubric.version)
