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

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator


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


def _valid(model: type[BaseModel], items: Any) -> list[Any]:
    kept = []
    for item in items if isinstance(items, list) else []:
        try:
            kept.append(model.model_validate(item))
        except ValidationError:
            continue
    return kept


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Quote(_Lenient):
    """A sentence as said, with when and by whom."""

    start: float = 0.0
    speaker: str = ""
    text: str = ""

    @field_validator("start", mode="before")
    @classmethod
    def _start(cls, value: Any) -> Any:
        return value if isinstance(value, int | float) and not isinstance(value, bool) else 0.0

    @field_validator("speaker", "text", mode="before")
    @classmethod
    def _words(cls, value: Any) -> str:
        return str(value or "").strip()

    @property
    def clock(self) -> str:
        return clock(self.start)


class CompetencyScore(_Lenient):
    """One competency's score 1..5, why, and what was said for it."""

    key: str = ""
    score: float = 0
    rationale: str = ""
    quotes: list[Quote] = []

    @field_validator("score", mode="before")
    @classmethod
    def _score(cls, value: Any) -> Any:
        return value if isinstance(value, int | float) and not isinstance(value, bool) else 0

    @field_validator("rationale", mode="before")
    @classmethod
    def _rationale(cls, value: Any) -> str:
        return str(value or "")

    @field_validator("quotes", mode="before")
    @classmethod
    def _quotes(cls, value: Any) -> list[Quote]:
        return [q for q in _valid(Quote, value) if q.text]

    @property
    def name(self) -> str:
        """``system_design`` → ``System design``."""
        return self.key.replace("_", " ").capitalize()


class KeyPoint(_Lenient):
    """A point a good answer makes: ``stated``, ``partly`` or ``missed``, with the sentence that
    states it (none when missed)."""

    key_point: str = ""
    status: str = "missed"
    quote: Quote | None = None

    @field_validator("quote", mode="before")
    @classmethod
    def _quote(cls, value: Any) -> Any:
        return value if isinstance(value, dict) else None

    @property
    def matched(self) -> bool:
        return self.status in ("stated", "partly")


class JudgedAnswer(_Lenient):
    """An interviewer's question, the candidate's answer judged against the question bank."""

    question: str = ""
    question_start: float = 0.0
    score: float | None = None
    verdict: str = ""
    key_points: list[KeyPoint] = []

    @field_validator("question", "verdict", mode="before")
    @classmethod
    def _words(cls, value: Any) -> str:
        return _text(value)

    @field_validator("key_points", mode="before")
    @classmethod
    def _key_points(cls, value: Any) -> list[KeyPoint]:
        return _valid(KeyPoint, value)

    @property
    def cited(self) -> Quote | None:
        """The first sentence that states one of the key points."""
        return next((p.quote for p in self.key_points if p.matched and p.quote), None)


class InterviewAssessment(_Lenient):
    summary: str = ""
    recommendation: str = ""
    scored: bool = True
    confidence: float | None = None
    scores: list[CompetencyScore] = []
    answers: list[JudgedAnswer] = []
    highlights: list[str] = []
    red_flags: list[str] = []
    questions_for_next_round: list[str] = []
    submittal_note: str = ""

    @field_validator("summary", "recommendation", "submittal_note", mode="before")
    @classmethod
    def _words(cls, value: Any) -> str:
        return str(value or "")

    @field_validator("confidence", mode="before")
    @classmethod
    def _confidence(cls, value: Any) -> Any:
        return value if isinstance(value, int | float) and not isinstance(value, bool) else None

    @field_validator("scores", mode="before")
    @classmethod
    def _scores(cls, value: Any) -> list[CompetencyScore]:
        if not isinstance(value, dict):
            return []
        return _valid(
            CompetencyScore,
            [{**body, "key": str(key)} for key, body in value.items() if isinstance(body, dict)],
        )

    @field_validator("answers", mode="before")
    @classmethod
    def _answers(cls, value: Any) -> list[JudgedAnswer]:
        return _valid(JudgedAnswer, value)

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

    confirmed_by: str = ""
    confirmed_at: str = ""

    @field_validator("confirmed_by", "confirmed_at", mode="before")
    @classmethod
    def _words(cls, value: Any) -> str:
        return str(value or "")


class InterviewResult(_Lenient):
    assessment: InterviewAssessment = InterviewAssessment()
    speaker_roles: ConfirmedRoles | None = None

    @field_validator("assessment", mode="before")
    @classmethod
    def _assessment(cls, value: Any) -> Any:
        return value if isinstance(value, dict) else {}

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
