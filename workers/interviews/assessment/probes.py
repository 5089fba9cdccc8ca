"""Which competency families the interview asked about.

Ownership & collaboration and role fit (``ASKED_ONLY``) are scored only when a question asked
about them: answers to technical questions say next to nothing about them, and a score read from
how much a technical sentence happens to resemble "I owned the migration" moves with a single
word the speech recognition hears differently (from audio their AUC good-vs-bad was 0.5, chance).
Without such a question the competency is **not scored**: "not enough evidence", left out of the
mean and the recommendation, and suggested for the next round.

A question asks about a family when it matched a question of the job's bank whose category
belongs to the family (``CATEGORY_FAMILY``), or when its words do (``QUESTION_PATTERNS``: "your
team", "a disagreement", "why this role", ...). Both read the interviewer's question, not the
candidate's answer, so how the answer was worded or heard cannot turn the score on or off.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from workers.interviews.assessment.competencies import Family
from workers.interviews.assessment.judge import AnswerJudgement
from workers.interviews.assessment.transcript import Question, is_closing

ASKED_ONLY: frozenset[Family] = frozenset({"collaboration", "role_fit"})
# Which competency family a question of each generated category probes (seed 003 categories).
CATEGORY_FAMILY: dict[str, Family] = {
    "technical": "depth",
    "system_design": "depth",
    "problem_solving": "problem_solving",
    "behavioural": "collaboration",
    "behavioral": "collaboration",
    "role": "role_fit",
}
QUESTION_PATTERNS: dict[Family, re.Pattern[str]] = {
    "collaboration": re.compile(
        r"\b(?:teams?|teammates?|colleagues?|co-?workers?|other (?:engineers|developers|people)|"
        r"collaborat\w*|conflicts?|disagree\w*|disagreements?|stakeholders?|"
        r"product (?:managers?|owners?)|with product|ownership|you (?:owned|led)|"
        r"responsib\w*|mentor\w*)\b",
        re.I,
    ),
    "role_fit": re.compile(
        r"\b(?:this (?:role|position|job|company)|the (?:role|position)|"
        r"why (?:do|would) you want|why (?:are|were) you interested|interests? you|"
        r"motivat\w*|career|about yourself|your background|your experience|looking for in|"
        r"join(?:ing)? us|work here)\b",
        re.I,
    ),
}


def asked_families(
    questions: Sequence[Question], judged: Sequence[AnswerJudgement]
) -> frozenset[Family]:
    """The families of ``ASKED_ONLY`` that a question asked about (see the module docstring);
    a closing "any questions for us?" asks about nothing."""
    asked: set[Family] = set()
    for judgement in judged:
        family = CATEGORY_FAMILY.get(judgement.guide.category or "")
        if family in ASKED_ONLY:
            asked.add(family)
    for question in questions:
        if is_closing(question.text):
            continue
        asked |= {f for f, pattern in QUESTION_PATTERNS.items() if pattern.search(question.text)}
    return frozenset(asked)
