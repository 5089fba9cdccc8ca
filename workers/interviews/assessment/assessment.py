"""The interview assessment: competency scores 1..5 from what the candidate said, each explained
by the answers judged against their questions, measured signals and timestamped quotes.

The steps, each in its own module:

1. ``transcript``: clean segments, speaker roles, the candidate's sentences, the interviewer's
   questions with their answers.
2. ``speakers`` check (here): one voice, or roles that cannot be told apart, is **not scored**:
   no recommendation, a red flag asking the reviewer to confirm the speakers' roles.
3. ``guides``: each asked question matched to the job's question bank (key points,
   misconceptions, levels); ``judge``: each answer judged against its own question.
4. ``signals``: conversation measurements and the rules on them; ``similarity``: competency
   exemplars for what no question covers.
5. ``scoring``: competency scores and the recommendation; ``report``: the words.

Determinism: embeddings and cosines are rounded, ties are broken by time and text, every float
in the report is rounded; the same transcript, question bank, rubric version and models give the
same report, byte for byte with ``json.dumps(..., sort_keys=True)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from workers.interviews.assessment import report as words
from workers.interviews.assessment.competencies import competencies_from_rubric
from workers.interviews.assessment.embeddings import load_embedder
from workers.interviews.assessment.guides import guides_from, match
from workers.interviews.assessment.judge import AnswerJudgement, EmbeddingJudge, Judge
from workers.interviews.assessment.probes import asked_families
from workers.interviews.assessment.scoring import (
    correct_share,
    probed,
    recommend,
    score,
    weighted_mean,
)
from workers.interviews.assessment.signals import MIN_EVIDENCE_WORDS, RULES, measure
from workers.interviews.assessment.similarity import SupportsEmbed, evidence
from workers.interviews.assessment.speakers import role_problem
from workers.interviews.assessment.transcript import (
    candidate_speakers,
    candidate_units,
    clean_segments,
    speaker_roles,
)

__all__ = ["ENGINE_VERSION", "RULES", "assess", "load_embedder", "rules_table"]

ENGINE_VERSION = "interview-rules-2"
# Confidence in the scores by the judge's kind: similarity to key points is a fallback, weaker
# than a language model's judgement; answers without a guide are judged by nothing.
JUDGE_CONFIDENCE = {"embedding": 0.6, "nli": 0.8, "llm": 0.8}
UNJUDGED_CONFIDENCE = 0.3


def assess(
    transcript: list[dict],
    *,
    roles: dict[str, str],
    metrics: dict,
    rubric_categories: list[dict] | None,
    role_title: str,
    embedder: SupportsEmbed,
    rubric: Mapping[str, Any] | None = None,
    questions: Sequence[Mapping[str, Any]] | None = None,
    judge: Judge | None = None,
    roles_confirmed: bool = False,
    speaker_doubt: str | None = None,
) -> dict[str, Any]:
    """The ``assessment`` block of an interview result (seed 004 plus ``rubric``,
    ``engine_version``, ``scored``, ``judge``, ``confidence`` and ``answers``).

    ``transcript`` is the result's transcript (``start``, ``end``, ``speaker``, ``text``, optional
    ``words`` and ``role``); ``roles`` maps speakers to ``interviewer``/``candidate`` (a segment's
    own ``role`` is used for speakers it leaves out); ``metrics`` is the result's metrics block;
    ``rubric_categories`` has the shape of ``backend.services.rubrics.default_rubric_categories()``
    (None or the code rubric: the default interview competencies); ``rubric`` names the version.
    ``questions`` is the job's question bank (``question_text`` or ``text``, ``key_points``,
    ``misconceptions``, ``levels``); ``judge`` replaces the default key-point judge.
    ``roles_confirmed``: a person confirmed ``roles``, so they are not second-guessed.
    ``speaker_doubt``: why the recording's split into voices is uncertain; unless the roles are
    confirmed, nothing is scored until a reviewer confirms them.
    """
    title = " ".join((role_title or "").split())
    the_role = f"the {title} role" if title else "the role"
    segments = clean_segments(transcript)
    role_of = speaker_roles(segments, roles)
    judge = judge or EmbeddingJudge(embedder, model_name=_model_name(embedder))
    rubric_block = {"id": (rubric or {}).get("id"), "version": (rubric or {}).get("version")}

    problem = role_problem(segments, role_of, confirmed=roles_confirmed, doubt=speaker_doubt)
    if problem is not None:
        return _unscored(the_role, problem, rubric_block, judge)

    candidates = candidate_speakers(segments, role_of)
    units = candidate_units(segments, candidates)
    signals = measure(segments, role_of, candidates, units, metrics)
    bank = guides_from(questions)
    answered = [q for q in signals.questions if q.answer and q not in signals.unanswered]
    matched = match([q.text for q in answered], bank, embedder)
    judged: list[AnswerJudgement] = [
        judge.judge(q, guide, bank) for q, guide in zip(answered, matched, strict=True) if guide
    ]
    if judged:
        missed = sum(1 for j in judged if j.weak)
        signals = signals.__class__(
            **{**signals.__dict__, "missed_question_share": round(missed / len(judged), 3)}
        )

    competencies = competencies_from_rubric(rubric_categories)
    evidence_units = [u for u in units if u.words >= MIN_EVIDENCE_WORDS]
    values = evidence(embedder, competencies, evidence_units)
    asked = asked_families(signals.questions, judged)
    results = [
        score(c, values[c.key], evidence_units, signals, judged, asked=asked) for c in competencies
    ]
    # Competencies without enough evidence (not asked about) are shown, not scored.
    rated = [r for r in results if r.score is not None]
    basis = probed(rated, judged)
    mean = weighted_mean(basis)
    recommendation = recommend(mean, basis, signals, judged)
    info = judge.info
    confidence = (
        JUDGE_CONFIDENCE.get(str(info.get("kind")), 0.6) * len(judged) / len(answered)
        if judged
        else UNJUDGED_CONFIDENCE
    )
    return {
        "summary": words.summary(the_role, signals, results, recommendation, mean, judged),
        "recommendation": recommendation,
        # Every automated recommendation waits for a recruiter; a reject above all.
        "recommendation_is_proposal": True,
        "scored": True,
        "scores": {
            r.competency.key: {
                "score": r.score,
                "rationale": words.rationale(r, judged),
                "quotes": list(r.quotes),
            }
            for r in results
        },
        "answers": [j.report() for j in judged],
        "correct_answer_share": correct_share(judged),
        "highlights": words.highlights(competencies, values, evidence_units, judged),
        "red_flags": words.red_flags(signals, judged),
        "notes": words.notes(signals, judged, len(answered) - len(judged)),
        "questions_for_next_round": words.next_questions(the_role, results, signals),
        "submittal_note": words.submittal_note(the_role, signals, results, judged),
        "judge": info,
        "confidence": round(max(0.1, confidence), 2),
        "rubric": rubric_block,
        "engine_version": ENGINE_VERSION,
    }


def _unscored(
    the_role: str, problem: str, rubric_block: dict[str, Any], judge: Judge
) -> dict[str, Any]:
    """A report that scores nothing: the reviewer must confirm who is who first."""
    return {
        "summary": (
            f"Interview for {the_role}: not scored. {problem} Confirm which speaker is the "
            "interviewer and which the candidate, then re-score."
        ),
        "recommendation": None,
        "recommendation_is_proposal": True,
        "scored": False,
        "scores": {},
        "answers": [],
        "correct_answer_share": None,
        "highlights": [],
        "red_flags": [f"Speakers unclear: {problem} Please confirm the speakers' roles."],
        "notes": [],
        "questions_for_next_round": [],
        "submittal_note": (
            f"The interview for {the_role} has not been assessed yet: the speakers' roles "
            "await confirmation by a reviewer."
        ),
        "judge": judge.info,
        "confidence": 0.0,
        "rubric": rubric_block,
        "engine_version": ENGINE_VERSION,
    }


def _model_name(embedder: Any) -> str:
    return str(getattr(embedder, "name", "") or "all-MiniLM-L6-v2")


def rules_table() -> list[dict[str, Any]]:
    """The signal rules as rows, for documentation and reports."""
    return [
        {
            "family": rule.family or "all",
            "signal": rule.signal,
            "condition": f"{rule.op} {rule.threshold:g}",
            "points": rule.points,
            "cap": rule.cap,
            "text": rule.text,
        }
        for rule in RULES
    ]
