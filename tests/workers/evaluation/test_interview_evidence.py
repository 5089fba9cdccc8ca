"""Ownership & collaboration and role fit are scored only when the interview asked about them
(``workers.interviews.assessment.probes``): a technical interview leaves them "not scored, not
enough evidence", so a word heard differently in a technical answer cannot move them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.workers.evaluation.test_interview_assessment import (
    BANK,
    CANDIDATE,
    INTERVIEWER,
    QUESTIONS,
    STRONG,
    build,
    embedder_for_tests,
    run,
)
from workers.interviews.assessment.competencies import default_competencies
from workers.interviews.assessment.probes import asked_families
from workers.interviews.assessment.similarity import base_score, coverage, evidence
from workers.interviews.assessment.transcript import Question, candidate_units

UNASKED = ("ownership_collaboration", "role_fit")
# A technical answer that says what the candidate agreed, and the same answer with "finance"
# said as "the finance team": the old rule (the closest sentences' similarity to "I owned the
# migration ...", coverage 0.448 against 0.453, the threshold for 5/5 at 0.45) scored ownership
# 4 for one and 5 for the other.
ANSWER = (
    "Each charge has an idempotency key stored with a unique constraint, so retrying a task "
    "can never bill a customer twice. When the payment provider times out we retry with "
    "exponential backoff, and after five attempts the invoice goes to a review list. "
    "I agreed the retry policy with finance and we ran the rollout over two weeks."
)
REWORDED = ANSWER.replace("with finance", "with the finance team")


@pytest.fixture(scope="module")
def embedder():
    return embedder_for_tests()


def technical(answer: str) -> list[dict[str, Any]]:
    """A technical screen: the two questions of the bank, nothing about the team or the role."""
    return build(
        [
            (INTERVIEWER, QUESTIONS[1]),
            (CANDIDATE, answer),
            (INTERVIEWER, QUESTIONS[2]),
            (CANDIDATE, STRONG[2]),
        ]
    )


def scores(result: dict[str, Any]) -> dict[str, int | None]:
    return {key: value["score"] for key, value in result["scores"].items()}


def test_a_technical_interview_leaves_ownership_and_role_fit_unscored(embedder):
    result = run(embedder, technical(ANSWER), questions=BANK)
    for key in UNASKED:
        assert result["scores"][key]["score"] is None
        assert "Not scored: not enough evidence" in result["scores"][key]["rationale"]
        assert result["scores"][key]["quotes"] == []
    assert all(isinstance(scores(result)[k], int) for k in scores(result) if k not in UNASKED)
    assert "Not scored" in result["summary"]
    assert "ownership & collaboration and role fit" in result["summary"]
    assert any("not asked yet" in q for q in result["questions_for_next_round"])
    # Left out of the mean the recommendation reads.
    rated = [v for v in scores(result).values() if v is not None]
    assert f"mean score {sum(rated) / len(rated):.1f}/5" in result["summary"]


def test_a_one_word_change_near_the_old_threshold_changes_no_score(embedder):
    # The old rule's base score for ownership differs between the two wordings...
    old = []
    for answer in (ANSWER, REWORDED):
        segments = technical(answer)
        units = [
            u
            for u in candidate_units([_segment(s) for s in segments], frozenset({CANDIDATE}))
            if u.words >= 4
        ]
        ownership = next(c for c in default_competencies() if c.key == UNASKED[0])
        old.append(base_score(coverage(evidence(embedder, [ownership], units)[ownership.key])))
    assert old[0] != old[1]
    # ... and the report a recruiter sees gives every competency the same score for both.
    first = run(embedder, technical(ANSWER), questions=BANK)
    second = run(embedder, technical(REWORDED), questions=BANK)
    assert scores(first) == scores(second)
    assert first["recommendation"] == second["recommendation"]


def test_asking_about_the_team_and_the_role_scores_them(embedder):
    turns = [
        (INTERVIEWER, QUESTIONS[1]),
        (CANDIDATE, ANSWER),
        (INTERVIEWER, QUESTIONS[3]),
        (CANDIDATE, STRONG[3]),
        (INTERVIEWER, QUESTIONS[4]),
        (CANDIDATE, STRONG[4]),
    ]
    result = run(embedder, build(turns), questions=BANK)
    for key in UNASKED:
        assert isinstance(result["scores"][key]["score"], int)
        assert "not enough evidence" not in result["scores"][key]["rationale"]


def test_a_bank_question_of_a_behavioural_category_asks_about_ownership(embedder):
    question = "What happened when the billing rollout slipped?"
    bank = [
        *BANK,
        {
            "question_text": question,
            "category": "behavioural",
            "key_points": ["Took responsibility, told finance early and agreed a new date."],
            "misconceptions": ["It was somebody else's fault."],
        },
    ]
    turns = [
        (INTERVIEWER, QUESTIONS[1]),
        (CANDIDATE, ANSWER),
        (INTERVIEWER, question),
        (CANDIDATE, STRONG[3]),
    ]
    result = run(embedder, build(turns), questions=bank)
    assert isinstance(result["scores"]["ownership_collaboration"]["score"], int)
    assert result["scores"]["role_fit"]["score"] is None


@pytest.mark.parametrize(
    ("text", "families"),
    [
        ("How do you work with other engineers and with product?", {"collaboration"}),
        ("Tell me about a disagreement in your team.", {"collaboration"}),
        ("Why are you interested in this role?", {"role_fit"}),
        ("What led to the outage, and how did you find the slow query?", set()),
        ("How does a retry with exponential backoff avoid double billing?", set()),
        ("Great, thank you. Do you have any questions for us about the team?", set()),
    ],
)
def test_which_questions_ask_about_what(text, families):
    assert asked_families([Question(0.0, 1.0, text, ())], []) == families


def _segment(row: dict[str, Any]):
    from workers.interviews.assessment.transcript import clean_segments

    return clean_segments([row])[0]
