"""The result of an interview job (``InterviewJob.result``) as typed models, for the report and
its PDF.

``workers.interviews.assessment.assess`` writes the ``assessment`` block: the recommendation and
its ``confidence``, competency ``scores`` (1..5, a rationale and timestamped quotes), the
``answers`` judged against their questions (each key point stated, partly stated or missed, with
the sentence that states it), ``red_flags`` and the submittal note. Once a recruiter confirmed the
speakers' roles, the re-scored result carries ``speaker_roles`` (who confirmed, when). Reading is
lenient like ``backend.models.evaluation_result``: a part that does not fit is left out rather
than failing the whole report.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ValidationError, field_validator

from backend.models.lenient import (
    LENIENT,
    DictOrEmpty,
    ItemsOf,
    NumberOrZero,
    OptionalNumber,
    SpacedText,
    StrippedText,
    Text,
    valid_items,
)


class _Lenient(BaseModel):
    model_config = LENIENT


def clock(seconds: float) -> str:
    """``mm:ss`` (``h:mm:ss`` past an hour), as the report cites times."""
    whole = int(max(0.0, seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def interview_length(job: Any, result: dict[str, Any] | None = None) -> str:
    """How long the interview is, the same on the list, the report and its PDF: the recording's
    length as measured when it was accepted (what its credits are charged for); for a transcript
    sent as text, which has no recording, the span of its transcript."""
    seconds = job.duration_s or (result or {}).get("duration_s")
    return clock(float(seconds)) if seconds else "—"


class Quote(_Lenient):
    """A sentence as said, with when and by whom."""

    start: NumberOrZero = 0.0
    speaker: StrippedText = ""
    text: StrippedText = ""

    @property
    def clock(self) -> str:
        return clock(self.start)


class CompetencyScore(_Lenient):
    """One competency's score 1..5 (None: not scored, not enough evidence), why, and what was
    said for it."""

    key: str = ""
    score: OptionalNumber = None
    rationale: Text = ""
    quotes: list[Quote] = []

    @field_validator("quotes", mode="before")
    @classmethod
    def _quotes(cls, value: Any) -> list[Quote]:
        return [q for q in valid_items(Quote, value) if q.text]

    @property
    def scored(self) -> bool:
        return self.score is not None

    @property
    def name(self) -> str:
        """``system_design`` → ``System design``."""
        return self.key.replace("_", " ").capitalize()


def _mapping_or_none(value: Any) -> Any:
    return value if isinstance(value, dict) else None


class KeyPoint(_Lenient):
    """A point a good answer makes: ``stated``, ``partly`` or ``missed``, with the sentence that
    states it (none when missed)."""

    key_point: str = ""
    status: str = "missed"
    quote: Annotated[Quote | None, BeforeValidator(_mapping_or_none)] = None

    @property
    def matched(self) -> bool:
        return self.status in ("stated", "partly")


class JudgedAnswer(_Lenient):
    """An interviewer's question, the candidate's answer judged against the question bank."""

    question: SpacedText = ""
    question_start: float = 0.0
    score: float | None = None
    verdict: SpacedText = ""
    key_points: Annotated[list[KeyPoint], ItemsOf(KeyPoint)] = []

    @property
    def cited(self) -> Quote | None:
        """The first sentence that states one of the key points."""
        return next((p.quote for p in self.key_points if p.matched and p.quote), None)


class InterviewAssessment(_Lenient):
    summary: Text = ""
    recommendation: Text = ""
    scored: bool = True
    confidence: OptionalNumber = None
    scores: list[CompetencyScore] = []
    answers: Annotated[list[JudgedAnswer], ItemsOf(JudgedAnswer)] = []
    highlights: list[str] = []
    red_flags: list[str] = []
    questions_for_next_round: list[str] = []
    submittal_note: Text = ""

    @field_validator("scores", mode="before")
    @classmethod
    def _scores(cls, value: Any) -> list[CompetencyScore]:
        if not isinstance(value, dict):
            return []
        return valid_items(
            CompetencyScore,
            [{**body, "key": str(key)} for key, body in value.items() if isinstance(body, dict)],
        )

    @field_validator("highlights", "red_flags", "questions_for_next_round", mode="before")
    @classmethod
    def _sentences(cls, value: Any) -> list[str]:
        flags = []
        for item in value if isinstance(value, list) else []:
            if isinstance(item, dict):  # a flag may carry a code beside its message
                item = item.get("message") or item.get("text") or ""
            if str(item).strip():
                flags.append(str(item).strip())
        return flags


class ConfirmedRoles(_Lenient):
    """Who confirmed the speakers' roles the result was scored with."""

    confirmed_by: Text = ""
    confirmed_at: Text = ""


class InterviewResult(_Lenient):
    assessment: Annotated[InterviewAssessment, DictOrEmpty] = InterviewAssessment()
    speaker_roles: ConfirmedRoles | None = None

    @field_validator("speaker_roles", mode="before")
    @classmethod
    def _speaker_roles(cls, value: Any) -> Any:
        return value if isinstance(value, dict) and value.get("confirmed_by") else None


def read_interview_result(raw: dict[str, Any] | None) -> InterviewResult | None:
    """The typed result, or None while the job has none."""
    if not raw:
        return None
    try:
        return InterviewResult.model_validate(raw)
    except ValidationError:
        return InterviewResult()
