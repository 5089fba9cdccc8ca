"""What is measured about the conversation, and the rules that turn measurements into points.

Signals are measured on the transcript itself, so their units are fixed here: talk ratio (the
``metrics`` block's ``talk_ratio`` when given, else speaking time from the segments), answer
length in words per interviewer question, fillers per 100 words (the ``metrics`` block's
``filler_rate`` when given, else counted here), the share of substantive sentences with concrete
detail (a number, a named technology, or a reason: "because", "so that"), evasive answers ("I
don't know", "not sure"), questions without any candidate speech before the next question (a
closing "any questions for us?" is not counted), and, where the questions carry what a good
answer contains, the share of answers that miss their question (vague, a keyword list, or the
answer to another question: ``missed_question_share``, set by the assessment).

Every rule of ``RULES`` that fires for a competency's family adds its points (cumulative: a filler
rate above 6 per 100 words fires both filler rules); a rule with ``cap`` limits the score. The
filler rules read the fillers beyond one per answer, so a single slip moves nothing.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from workers.evaluation import rules
from workers.interviews.assessment.answer_style import strip_fillers
from workers.interviews.assessment.competencies import Family
from workers.interviews.assessment.transcript import (
    Question,
    Segment,
    Unit,
    is_closing,
    questions_asked,
)
from workers.interviews.assessment.transcript import questions as find_questions

MIN_EVIDENCE_WORDS = 4
SHORT_ANSWER_WORDS = 12
MIN_CANDIDATE_WORDS = 50
LOW_TALK_RATIO = 0.25
# Fillers tolerated before the filler rules read any: one per reply, at most this many per 100
# words (short answers full of "um" are still disfluent).
SLIP_TOLERANCE = 2.0
# A sentence's similarity counts in full with two concrete details, at 60% with none.
GENERIC_WEIGHT = 0.6
FULL_DETAIL_MARKERS = 2

FILLER_PATTERNS = (
    r"\b(?:um+|uh+|uhm+|erm+|er|ah+|hmm+|mm+)\b",
    r"\byou know\b(?!\s+(?:how|what|why|where|when|that|the|a)\b)",
    r"\bi mean\b",
    r"\b(?:kind|sort) of\b",
    r"(?:^|,)\s*like\s*,",
)
_FILLERS = re.compile("|".join(FILLER_PATTERNS), re.I)
_NUMBER = re.compile(
    r"\b\d[\d.,]*\s*(?:%|ms|s|k|m|x)?\b|\b(?:two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|thousand|million|billion|"
    r"percent|milliseconds?|seconds?|minutes?|hours?|days?|weeks?|months?|years?)\b",
    re.I,
)
_CAUSAL = re.compile(
    r"\b(?:because|so that|which meant|that meant|therefore|since the|in order to|"
    r"trade-?offs?|instead of|the reason|which is why|that's why|to avoid|to make sure)\b"
    r"|\bso (?:we|i|it|they|you|the|that)\b",
    re.I,
)
# Named technologies and engineering terms a concrete answer tends to contain. Matching is by
# whole word, case-insensitive; the list is deliberately broad rather than role-specific.
TECH_TERMS = frozenset(
    """
    python java javascript typescript go golang rust ruby php scala kotlin swift c++ c# sql
    postgres postgresql mysql sqlite mongodb redis kafka rabbitmq sqs kinesis elasticsearch
    cassandra dynamodb snowflake spark airflow dbt graphql grpc rest api apis http https
    websocket docker kubernetes k8s terraform ansible aws gcp azure lambda s3 ec2 linux nginx
    react vue angular django flask fastapi rails spring node.js nodejs celery huey cron ci cd
    git github gitlab jenkins prometheus grafana datadog sentry opentelemetry orm index indexes
    cache caching queue queues shard sharding replica replication partition partitioned
    latency throughput p99 p95 idempotent idempotency transaction transactions schema migration
    microservice microservices monolith load-balancer oauth jwt tls encryption profiler
    profiled profiling benchmark deadlock mutex thread threads async concurrency memory cpu
    """.split()
)
# "I owned / led / ran / wrote ..." and "we decided / agreed ...": the candidate's own part.
_OWNERSHIP = re.compile(
    r"\b(?:i|we)\s+(?:\w+\s+)?(?:owned|own|led|lead|ran|run|drove|wrote|write|proposed|propose|"
    r"decided|organi[sz]ed|mentored|mentor|coached|reviewed|review|paired|pair|coordinated|"
    r"negotiated|agreed|took (?:ownership|responsibility)|was responsible|handed over|"
    r"set up|rolled out|kept \w+ updated)\b",
    re.I,
)
_EXPERIENCE = re.compile(
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty)\s+"
    r"years?\b|\bexperience (?:in|with|of|building)\b|\bi have (?:built|worked|spent|done|led)\b",
    re.I,
)
_WORD = re.compile(r"[A-Za-z0-9+#.\-]+")
_EVASIVE = re.compile(
    r"\b(?:i don'?t know|not sure|no idea|can'?t remember|don'?t remember|i'?d have to check|"
    r"pass|not really|no comment|hard to say)\b",
    re.I,
)


@dataclass(frozen=True)
class Signals:
    """What was measured about the conversation, in the units the rules use."""

    candidate_words: int
    talk_ratio: float | None
    # Every interviewer question with its answer, a closing "any questions for us?" included.
    questions: tuple[Question, ...]
    # The questions the interviewer asked (``questions_asked``: the closing one left out), the
    # number the summary and the metrics block both give.
    asked: int
    answered: int
    short_answer_share: float | None
    median_answer_words: float | None
    filler_per_100_words: float
    # Fillers beyond one per reply to a question, per 100 words: what the filler rules read, so
    # that one slip per answer (or one the transcriber adds or drops) moves no score.
    filler_excess_per_100_words: float
    detail_share: float
    technologies: tuple[str, ...]
    reasons: int
    ownership_statements: int
    experience_statements: int
    evasive_answers: int
    unanswered: tuple[Question, ...]
    # Answers judged against their question's key points that miss it (vague, a keyword list,
    # another question's answer), as a share of the judged answers; None: none judged.
    missed_question_share: float | None = None

    def value(self, name: str) -> float | int | None:
        if name == "technologies":
            return len(self.technologies)
        if name == "unanswered":
            return len(self.unanswered)
        return getattr(self, name)


@dataclass(frozen=True)
class Rule:
    """``signal op threshold`` adds ``points`` to competencies of ``family`` (None: every
    competency) when it holds; ``cap`` limits the score when it fires. ``text`` explains it;
    ``{value}`` is the measured value as shown to a reader."""

    family: Family | None
    signal: str
    op: rules.Operator
    threshold: float
    points: float
    text: str
    cap: int | None = None
    percent: bool = False  # show the value as a percentage
    shown: str | None = None  # the signal shown as {value}, when not ``signal`` itself


RULES: tuple[Rule, ...] = (
    # Every competency: no speech is no evidence, whatever the similarity says.
    Rule(None, "candidate_words", "<", MIN_CANDIDATE_WORDS, 0, cap=2,
         text="The candidate said only {value} words in the whole interview."),
    # Communication: room taken, answers developed, fillers, questions left unanswered.
    Rule("communication", "talk_ratio", "<", LOW_TALK_RATIO, -1, percent=True,
         text="The candidate spoke for {value} of the conversation (below 25%)."),
    Rule("communication", "short_answer_share", ">=", 0.5, -1, percent=True,
         text="{value} of the answers were shorter than 12 words."),
    Rule("communication", "filler_excess_per_100_words", ">", 3, -0.5,
         shown="filler_per_100_words",
         text="Filler words: {value} per 100 words."),
    Rule("communication", "filler_excess_per_100_words", ">", 6, -0.5,
         shown="filler_per_100_words",
         text="Fillers are frequent enough to obscure the answers ({value} per 100 words)."),
    Rule("communication", "unanswered", ">=", 1, -0.5,
         text="Questions without an answer: {value}."),
    Rule("communication", "missed_question_share", ">=", 0.5, -1, percent=True,
         text="{value} of the judged answers did not address their question (vague, a list of "
         "terms, or the answer to another question)."),
    Rule("communication", "median_answer_words", ">=", 40, 0.5,
         text="Answers were developed: {value} words per answer (median)."),
    Rule("communication", "filler_excess_per_100_words", "<=", 1, 0.5,
         shown="filler_per_100_words",
         text="Fluent answers: {value} filler words per 100 words."),
    # Technical depth: concrete detail (numbers, technologies, reasons) raises it.
    Rule("depth", "detail_share", ">=", 0.3, 0.5, percent=True,
         text="{value} of the candidate's sentences carry concrete detail (numbers, named "
         "technologies, reasons)."),
    Rule("depth", "detail_share", ">=", 0.5, 0.5, percent=True,
         text="Concrete detail runs through most answers ({value} of sentences)."),
    Rule("depth", "detail_share", "<", 0.1, -1, percent=True,
         text="Almost no concrete detail: {value} of sentences name a number, technology or "
         "reason."),
    Rule("depth", "technologies", ">=", 5, 0.5,
         text="Distinct technologies or engineering terms named: {value}."),
    Rule("depth", "short_answer_share", ">=", 0.5, -0.5, percent=True,
         text="Short answers ({value} under 12 words) leave the depth unexplored."),
    # Problem solving: reasons given, evasions.
    Rule("problem_solving", "reasons", ">=", 3, 0.5,
         text="Sentences that explain a reason or trade-off (because, so that, instead of): "
         "{value}."),
    Rule("problem_solving", "reasons", "==", 0, -0.5,
         text="No sentence explains why something was done."),
    Rule("problem_solving", "evasive_answers", ">=", 2, -1,
         text="Evasive answers (\u201cI don't know\u201d, \u201cnot sure\u201d): {value}."),
    # Ownership/collaboration: the candidate's own part, stated; short answers leave it unshown.
    Rule("collaboration", "ownership_statements", ">=", 2, 0.5,
         text="Sentences stating what the candidate owned, led or decided: {value}."),
    Rule("collaboration", "ownership_statements", "==", 0, -0.5,
         text="No sentence states what the candidate personally owned, led or decided."),
    Rule("collaboration", "short_answer_share", ">=", 0.5, -0.5, percent=True,
         text="Short answers ({value} under 12 words) show little of how the candidate works."),
    # Role fit: relevant experience stated; short answers say little.
    Rule("role_fit", "experience_statements", ">=", 1, 0.5,
         text="Sentences stating relevant experience (years, what was built): {value}."),
    Rule("role_fit", "experience_statements", "==", 0, -0.5,
         text="No sentence states the candidate's relevant experience."),
    Rule("role_fit", "short_answer_share", ">=", 0.5, -0.5, percent=True,
         text="Short answers ({value} under 12 words) say little about fit for the role."),
)  # fmt: skip


def measure(
    segments: Sequence[Segment],
    role_of: Mapping[str, str],
    candidates: frozenset[str],
    units: Sequence[Unit],
    metrics: Mapping[str, Any] | None,
) -> Signals:
    """The conversation signals the rules read (see the module docstring for their units)."""
    candidate_text = " ".join(s.text for s in segments if s.speaker in candidates)
    words = candidate_text.split()
    questions = find_questions(segments, role_of, candidates)
    scored = [q for q in questions if not is_closing(q.text)]
    answered = [q for q in scored if q.answer_words > 0]
    unanswered = tuple(q for q in scored if q.answer_words == 0)
    # Answer length without fillers and stutters, so a disfluency does not lengthen an answer.
    lengths = [len(strip_fillers(q.answer_text).split()) for q in answered]
    substantive = [u for u in units if u.words >= MIN_EVIDENCE_WORDS]
    technologies = sorted(
        {token.lower().strip(".,") for token in _WORD.findall(candidate_text)} & TECH_TERMS
    )
    detailed = sum(1 for u in substantive if _has_detail(u.text))
    fillers = filler_rate(segments, candidates, metrics)
    replies = sum(1 for q in questions if q.answer_words > 0)  # the closing one included
    return Signals(
        candidate_words=len(words),
        talk_ratio=talk_ratio(segments, candidates, metrics),
        questions=tuple(questions),
        asked=sum(
            count
            for speaker, count in questions_asked(segments).items()
            if role_of.get(speaker) == "interviewer" and speaker not in candidates
        ),
        answered=len(answered),
        short_answer_share=(
            round(sum(1 for n in lengths if n < SHORT_ANSWER_WORDS) / len(lengths), 3)
            if lengths
            else None
        ),
        median_answer_words=round(float(statistics.median(lengths)), 1) if lengths else None,
        filler_per_100_words=fillers,
        filler_excess_per_100_words=(
            round(max(0.0, fillers - min(100.0 * max(1, replies) / len(words), SLIP_TOLERANCE)), 2)
            if words
            else 0.0
        ),
        detail_share=round(detailed / len(substantive), 3) if substantive else 0.0,
        technologies=tuple(technologies),
        reasons=sum(1 for u in units if _CAUSAL.search(u.text)),
        ownership_statements=sum(1 for u in units if _OWNERSHIP.search(u.text)),
        experience_statements=sum(1 for u in units if _EXPERIENCE.search(u.text)),
        evasive_answers=sum(
            1
            for q in answered
            if q.answer_words < 2 * SHORT_ANSWER_WORDS and _EVASIVE.search(q.answer_text)
        ),
        unanswered=unanswered,
    )


def detail_markers(text: str) -> int:
    """Concrete details in a sentence: numbers, named technologies and reasons, each counted."""
    technologies = sum(1 for t in _WORD.findall(text) if t.lower().strip(".,") in TECH_TERMS)
    return len(_NUMBER.findall(text)) + technologies + len(_CAUSAL.findall(text))


def specificity_weight(text: str) -> float:
    """How much a sentence's similarity counts: fully with ``FULL_DETAIL_MARKERS`` concrete
    details, ``GENERIC_WEIGHT`` with none (an on-topic generality is weak evidence)."""
    share = min(1.0, detail_markers(text) / FULL_DETAIL_MARKERS)
    return round(GENERIC_WEIGHT + (1.0 - GENERIC_WEIGHT) * share, 4)


def _has_detail(text: str) -> bool:
    if _NUMBER.search(text) or _CAUSAL.search(text):
        return True
    return any(token.lower().strip(".,") in TECH_TERMS for token in _WORD.findall(text))


def filler_rate(
    segments: Sequence[Segment], candidates: frozenset[str], metrics: Mapping[str, Any] | None
) -> float:
    """The candidate's fillers per 100 words: the metrics' ``filler_rate`` (same unit) when it
    names the candidate's speakers, so the report agrees with its metrics; else counted here.
    Several candidate speakers are weighted by their word counts."""
    words = {s: 0 for s in sorted(candidates)}
    for segment in segments:
        if segment.speaker in candidates:
            words[segment.speaker] += len(segment.text.split())
    total = sum(words.values())
    if not total:
        return 0.0
    given = (metrics or {}).get("filler_rate")
    if isinstance(given, Mapping) and all(
        isinstance(given.get(s), int | float) for s in words if words[s]
    ):
        return round(sum(float(given[s]) * n for s, n in words.items() if n) / total, 2)
    text = " ".join(s.text for s in segments if s.speaker in candidates)
    return round(100.0 * len(_FILLERS.findall(text)) / total, 2)


def talk_ratio(
    segments: Sequence[Segment], candidates: frozenset[str], metrics: Mapping[str, Any] | None
) -> float | None:
    """The candidate's share of speaking time: the metrics' figure when it names the
    candidate's speakers, else measured from segment durations (None: nobody spoke)."""
    given = (metrics or {}).get("talk_ratio")
    if isinstance(given, Mapping) and any(s in given for s in candidates):
        values = [given[s] for s in candidates if isinstance(given.get(s), int | float)]
        if values:
            return round(float(sum(values)), 3)
    total = sum(max(0.0, s.end - s.start) for s in segments)
    if total <= 0:
        return None
    spoken = sum(max(0.0, s.end - s.start) for s in segments if s.speaker in candidates)
    return round(spoken / total, 3)


# --- similarity ------------------------------------------------------------------------------
