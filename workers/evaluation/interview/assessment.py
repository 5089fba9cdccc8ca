"""The interview assessment: competency scores 1..5 from what the candidate said, each explained
by measured signals and timestamped quotes, and the report built on them.

How a competency is scored.

1. **Evidence units.** The candidate's speech is split into sentences; each keeps its time span
   (from the word timestamps when they line up with the text, else its segment's). Sentences
   shorter than ``MIN_EVIDENCE_WORDS`` ("Yes.", "Not really.") are not evidence of anything.
2. **Similarity.** Units and the competency's texts (``competencies``) are embedded with the
   sentence model; a unit's *evidence* is its best cosine to a positive text, less how much more
   it resembles a negative text (``max(0, negative - positive)``), so "I don't know how it worked"
   does not count as technical depth just for mentioning how something worked.
3. **Coverage** = ``(best + mean of the top TOP_K) / 2`` over the units' evidence, missing units
   counting 0, so one good sentence is not the same as three. It maps to a base score by
   ``COVERAGE_THRESHOLDS``: ≥ 0.45 → 5, ≥ 0.36 → 4, ≥ 0.27 → 3, ≥ 0.18 → 2, else 1. For
   technical depth, problem solving and custom categories without a known family a sentence's
   similarity counts in full only when it carries two concrete details (numbers, named
   technologies, reasons) and at 60% when it carries none (``specificity_weight``): an on-topic
   generality ("I made the query faster") is weak evidence of depth.
4. **Signals.** Every rule of ``RULES`` that fires for the competency's family adds its points
   (cumulative, like the code scoring: a filler rate above 6 per 100 words fires both filler
   rules). The sum is rounded (ties down, the cautious reading), clamped to 1..5, then capped:
   a candidate who said fewer than ``MIN_CANDIDATE_WORDS`` words scores at most 2 everywhere.
   A custom category without a known family (``competencies.family_for``) gets only that cap.
5. **Quotes.** The rationale cites the 1–3 units with the most evidence of at least
   ``QUOTE_MIN_EVIDENCE`` (the single closest unit when none reaches it), with their times,
   speaker and exact transcript text. Highlights are the best units overall (evidence at least
   ``HIGHLIGHT_MIN_EVIDENCE`` and at least ``HIGHLIGHT_MIN_WORDS`` words).

Signals are measured on the transcript itself, so their units are fixed here: talk ratio (the
``metrics`` block's ``talk_ratio`` when given, else speaking time from the segments), answer
length in words per interviewer question, fillers per 100 words (the ``metrics`` block's
``filler_rate`` when given, else counted here), the share of substantive
sentences with concrete detail (a number, a named technology, or a reason: "because", "so that"),
evasive answers ("I don't know", "not sure") and questions without any candidate speech before
the next question. A question is an interviewer turn with a question mark or whose last sentence
opens like one ("Tell me about…", "How did…"); an interviewer's segments form one turn unless
``NO_ANSWER_GAP_S`` of silence separates them (room the candidate left unused); a closing "any
questions for us?" is not counted.

Recommendation (always a proposal for a recruiter to confirm; a ``reject`` is never final without
a human): from the weighted mean of the scores,

- ``advance`` when the mean is at least ``ADVANCE_MEAN`` (3.5), no competency is below 2 and no
  question went unanswered;
- ``reject`` when the mean is below ``REJECT_MEAN`` (2.0);
- ``hold`` otherwise.

Determinism: embeddings are rounded (``embeddings``), cosines rounded to 4 decimals, ties broken
by time and text, every float in the report rounded; the same transcript, rubric version and model
give the same report, byte for byte with ``json.dumps(..., sort_keys=True)``.
"""

from __future__ import annotations

import math
import re
import statistics
import threading
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import numpy as np

from workers.evaluation import rules
from workers.evaluation.interview.competencies import (
    Competency,
    Family,
    competencies_from_rubric,
    default_competencies,
)
from workers.evaluation.interview.embeddings import cosine, load_embedder

__all__ = ["ENGINE_VERSION", "RULES", "assess", "load_embedder", "rules_table"]

ENGINE_VERSION = "interview-rules-1"
MIN_SCORE, MAX_SCORE = 1, 5
TOP_K = 3
MIN_EVIDENCE_WORDS = 4
# Coverage at or above each threshold gives that base score (checked from 5 down).
COVERAGE_THRESHOLDS: tuple[tuple[int, float], ...] = ((5, 0.45), (4, 0.36), (3, 0.27), (2, 0.18))
# A sentence's similarity counts in full with two concrete details, at 60% with none.
GENERIC_WEIGHT = 0.6
FULL_DETAIL_MARKERS = 2
# Where concreteness means numbers, technologies and reasons (None: custom categories without a
# known family, which are mostly technical); ownership or motivation is concrete in other ways.
SPECIFIC_FAMILIES: frozenset[Family | None] = frozenset({"depth", "problem_solving", None})
QUOTE_MIN_EVIDENCE = 0.25  # a quote below this is not cited as support (the best one always is)
MAX_QUOTES = 3
HIGHLIGHT_MIN_EVIDENCE = 0.4
HIGHLIGHT_MIN_WORDS = 8  # "Um, yeah, I did some backend stuff." is on topic, not a highlight
MAX_HIGHLIGHTS = 3
SHORT_ANSWER_WORDS = 12
# Silence after an interviewer's segment long enough that the candidate could have answered.
NO_ANSWER_GAP_S = 2.0
MIN_CANDIDATE_WORDS = 50
LOW_TALK_RATIO = 0.25
ADVANCE_MEAN = 3.5
REJECT_MEAN = 2.0
MAX_NEXT_QUESTIONS = 5

Recommendation = Literal["advance", "hold", "reject"]


class SupportsEmbed(Protocol):
    """What ``assess`` needs of an embedder (``embeddings.Embedder`` is one)."""

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


# --- measured signals ------------------------------------------------------------------------

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
    r"|,\s*so\b",
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
_QUESTION_START = re.compile(
    r"^(?:can|could|would|will|do|does|did|have|has|how|what|why|when|where|which|who|"
    r"is|are|tell me|walk me|talk me|describe|explain|give me)\b",
    re.I,
)
# A closing "any questions for us?" expects no answer about the candidate's competencies.
_CLOSING_QUESTION = re.compile(
    r"\bany (?:other |more )?questions\b|\bquestions for (?:me|us)\b", re.I
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class Unit:
    """A candidate sentence with its time span and speaker."""

    start: float
    end: float
    speaker: str
    text: str

    @property
    def words(self) -> int:
        return len(self.text.split())

    def quote(self) -> dict[str, Any]:
        return {
            "start": round(self.start, 2),
            "end": round(self.end, 2),
            "speaker": self.speaker,
            "text": self.text,
        }


@dataclass(frozen=True)
class Question:
    """An interviewer question and the candidate's answer to it (empty: none)."""

    start: float
    end: float
    text: str
    answer_words: int
    answer_text: str


@dataclass(frozen=True)
class Signals:
    """What was measured about the conversation, in the units the rules use."""

    candidate_words: int
    talk_ratio: float | None
    questions: tuple[Question, ...]
    answered: int
    short_answer_share: float | None
    median_answer_words: float | None
    filler_per_100_words: float
    detail_share: float
    technologies: tuple[str, ...]
    reasons: int
    ownership_statements: int
    experience_statements: int
    evasive_answers: int
    unanswered: tuple[Question, ...]

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


RULES: tuple[Rule, ...] = (
    # Every competency: no speech is no evidence, whatever the similarity says.
    Rule(None, "candidate_words", "<", MIN_CANDIDATE_WORDS, 0, cap=2,
         text="The candidate said only {value} words in the whole interview."),
    # Communication: room taken, answers developed, fillers, questions left unanswered.
    Rule("communication", "talk_ratio", "<", LOW_TALK_RATIO, -1, percent=True,
         text="The candidate spoke for {value} of the conversation (below 25%)."),
    Rule("communication", "short_answer_share", ">=", 0.5, -1, percent=True,
         text="{value} of the answers were shorter than 12 words."),
    Rule("communication", "filler_per_100_words", ">", 3, -0.5,
         text="Filler words: {value} per 100 words."),
    Rule("communication", "filler_per_100_words", ">", 6, -0.5,
         text="Fillers are frequent enough to obscure the answers ({value} per 100 words)."),
    Rule("communication", "unanswered", ">=", 1, -0.5,
         text="Questions without an answer: {value}."),
    Rule("communication", "median_answer_words", ">=", 40, 0.5,
         text="Answers were developed: {value} words per answer (median)."),
    Rule("communication", "filler_per_100_words", "<=", 1, 0.5,
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


# --- the assessment --------------------------------------------------------------------------


def assess(
    transcript: list[dict],
    *,
    roles: dict[str, str],
    metrics: dict,
    rubric_categories: list[dict] | None,
    role_title: str,
    embedder: SupportsEmbed,
    rubric: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The ``assessment`` block of an interview result (seed 004 plus ``rubric`` and
    ``engine_version``).

    ``transcript`` is the result's transcript (``start``, ``end``, ``speaker``, ``text``, optional
    ``words`` and ``role``); ``roles`` maps speakers to ``interviewer``/``candidate`` (a segment's
    own ``role`` is used for speakers it leaves out); ``metrics`` is the result's metrics block
    (only ``talk_ratio`` is read); ``rubric_categories`` has the shape of
    ``backend.services.rubrics.default_rubric_categories()`` (None or the code rubric: the default
    interview competencies); ``rubric`` names the version (``id``, ``version``) for the report.
    """
    title = " ".join((role_title or "").split())
    the_role = f"the {title} role" if title else "the role"
    segments = _clean_segments(transcript)
    role_of = _roles(segments, roles)
    candidates = _candidate_speakers(segments, role_of)
    units = _units(segments, candidates)
    signals = _measure(segments, role_of, candidates, units, metrics)
    competencies = competencies_from_rubric(rubric_categories)

    evidence_units = [u for u in units if u.words >= MIN_EVIDENCE_WORDS]
    evidence = _evidence(embedder, competencies, evidence_units)

    scores: dict[str, dict[str, Any]] = {}
    results: list[tuple[Competency, int]] = []
    for competency in competencies:
        values = evidence[competency.key]
        value, rationale, quotes = _score(competency, values, evidence_units, signals)
        scores[competency.key] = {"score": value, "rationale": rationale, "quotes": quotes}
        results.append((competency, value))

    mean = _weighted_mean(results)
    recommendation = _recommend(mean, results, signals)
    red_flags = _red_flags(signals)
    return {
        "summary": _summary(the_role, signals, results, recommendation, mean),
        "recommendation": recommendation,
        # Every automated recommendation waits for a recruiter; a reject above all.
        "recommendation_is_proposal": True,
        "scores": scores,
        "highlights": _highlights(competencies, evidence, evidence_units),
        "red_flags": red_flags,
        "questions_for_next_round": _next_questions(the_role, results, signals),
        "submittal_note": _submittal_note(the_role, signals, results),
        "rubric": {
            "id": (rubric or {}).get("id"),
            "version": (rubric or {}).get("version"),
        },
        "engine_version": ENGINE_VERSION,
    }


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


# --- transcript → units, questions and signals ---------------------------------------------


@dataclass(frozen=True)
class _Segment:
    start: float
    end: float
    speaker: str
    role: str | None
    text: str
    words: tuple[tuple[float, float, str], ...]


def _clean_segments(transcript: Sequence[Mapping[str, Any]]) -> list[_Segment]:
    """Segments with text, in time order (ties by speaker, then text: a stable order)."""
    segments: list[_Segment] = []
    for item in transcript:
        text = " ".join(str(item.get("text") or "").split())
        if not text:
            continue
        words = tuple(
            (float(w.get("start", 0.0)), float(w.get("end", 0.0)), str(w.get("text", "")))
            for w in item.get("words") or ()
            if isinstance(w, Mapping)
        )
        segments.append(
            _Segment(
                start=float(item.get("start", 0.0)),
                end=float(item.get("end", item.get("start", 0.0))),
                speaker=str(item.get("speaker") or "SPEAKER_00"),
                role=item.get("role"),
                text=text,
                words=words,
            )
        )
    segments.sort(key=lambda s: (s.start, s.end, s.speaker, s.text))
    return segments


def _roles(segments: list[_Segment], roles: Mapping[str, str]) -> dict[str, str]:
    role_of = {str(k): str(v) for k, v in (roles or {}).items()}
    for segment in segments:
        if segment.speaker not in role_of and segment.role:
            role_of[segment.speaker] = str(segment.role)
    return role_of


def _candidate_speakers(segments: list[_Segment], role_of: Mapping[str, str]) -> frozenset[str]:
    """The candidate's speakers: those marked candidate, else everyone not marked interviewer,
    else (a one-speaker recording of the interviewer only) nobody."""
    speakers = {s.speaker for s in segments}
    marked = {s for s in speakers if role_of.get(s) == "candidate"}
    if marked:
        return frozenset(marked)
    return frozenset(s for s in speakers if role_of.get(s) != "interviewer")


def _sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


def _units(segments: list[_Segment], candidates: frozenset[str]) -> list[Unit]:
    """The candidate's sentences, timed by their words when the segment's words line up with
    its text one to one, else by the segment."""
    units: list[Unit] = []
    for segment in segments:
        if segment.speaker not in candidates:
            continue
        tokens_before = 0
        aligned = len(segment.words) == len(segment.text.split())
        for sentence in _sentences(segment.text):
            n = len(sentence.split())
            if aligned and n:
                first, last = segment.words[tokens_before], segment.words[tokens_before + n - 1]
                start, end = first[0], last[1]
            else:
                start, end = segment.start, segment.end
            units.append(Unit(start, end, segment.speaker, sentence))
            tokens_before += n
    return units


def _is_question(text: str) -> bool:
    if "?" in text:
        return True
    sentences = _sentences(text)
    return bool(sentences) and bool(_QUESTION_START.match(sentences[-1]))


def _questions(
    segments: list[_Segment], role_of: Mapping[str, str], candidates: frozenset[str]
) -> list[Question]:
    """Interviewer turns that ask something, each with the candidate's words until the next."""
    turns: list[tuple[str, float, float, str]] = []
    for segment in segments:
        # Consecutive segments of one speaker form a turn, unless the silence between them left
        # the candidate room to answer: then the next segment is a turn of its own.
        if (
            turns
            and turns[-1][0] == segment.speaker
            and segment.start - turns[-1][2] < NO_ANSWER_GAP_S
        ):
            speaker, start, _, text = turns[-1]
            turns[-1] = (speaker, start, segment.end, f"{text} {segment.text}")
        else:
            turns.append((segment.speaker, segment.start, segment.end, segment.text))
    questions: list[Question] = []
    current: tuple[float, float, str] | None = None
    answer: list[str] = []

    def close() -> None:
        if current is not None:
            text = " ".join(answer)
            questions.append(Question(*current, len(text.split()), text))

    for speaker, start, end, text in turns:
        if speaker in candidates:
            if current is not None:
                answer.append(text)
        elif role_of.get(speaker) == "interviewer" and _is_question(text):
            close()
            current, answer = (start, end, _question_text(text)), []
    close()
    return questions


def _question_text(turn: str) -> str:
    """The sentences of a turn from the first that asks something ("Thanks. Can you…?" →
    "Can you…?"), so a red flag quotes the question itself."""
    sentences = _sentences(turn)
    for i, sentence in enumerate(sentences):
        if "?" in sentence or _QUESTION_START.match(sentence):
            return " ".join(sentences[i:])
    return turn


def _measure(
    segments: list[_Segment],
    role_of: Mapping[str, str],
    candidates: frozenset[str],
    units: list[Unit],
    metrics: Mapping[str, Any] | None,
) -> Signals:
    """The conversation signals the rules read (see the module docstring for their units)."""
    candidate_text = " ".join(s.text for s in segments if s.speaker in candidates)
    words = candidate_text.split()
    questions = _questions(segments, role_of, candidates)
    scored = [q for q in questions if not _CLOSING_QUESTION.search(q.text)]
    answered = [q for q in scored if q.answer_words > 0]
    unanswered = tuple(q for q in scored if q.answer_words == 0)
    lengths = [q.answer_words for q in answered]
    substantive = [u for u in units if u.words >= MIN_EVIDENCE_WORDS]
    technologies = sorted(
        {token.lower().strip(".,") for token in _WORD.findall(candidate_text)} & TECH_TERMS
    )
    detailed = sum(1 for u in substantive if _has_detail(u.text))
    return Signals(
        candidate_words=len(words),
        talk_ratio=_talk_ratio(segments, candidates, metrics),
        questions=tuple(questions),
        answered=len(answered),
        short_answer_share=(
            round(sum(1 for n in lengths if n < SHORT_ANSWER_WORDS) / len(lengths), 3)
            if lengths
            else None
        ),
        median_answer_words=round(float(statistics.median(lengths)), 1) if lengths else None,
        filler_per_100_words=_filler_rate(segments, candidates, metrics),
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


def _filler_rate(
    segments: list[_Segment], candidates: frozenset[str], metrics: Mapping[str, Any] | None
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


def _talk_ratio(
    segments: list[_Segment], candidates: frozenset[str], metrics: Mapping[str, Any] | None
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

_text_cache: weakref.WeakKeyDictionary[Any, dict[str, np.ndarray]] = weakref.WeakKeyDictionary()
_cache_lock = threading.Lock()


def _embed_texts(embedder: SupportsEmbed, texts: Sequence[str]) -> np.ndarray:
    """Competency texts are the same for every interview: embed each once per embedder (an
    embedder that cannot be weakly referenced is simply asked every time)."""
    with _cache_lock:
        try:
            cache = _text_cache.setdefault(embedder, {})
        except TypeError:
            cache = {}
        missing = [t for t in dict.fromkeys(texts) if t not in cache]
        if missing:
            for text, vector in zip(missing, embedder.embed(missing), strict=True):
                cache[text] = vector
        return np.stack([cache[t] for t in texts])


def _evidence(
    embedder: SupportsEmbed, competencies: Sequence[Competency], units: Sequence[Unit]
) -> dict[str, np.ndarray]:
    """Per competency, each unit's evidence: best positive cosine less any excess of the best
    negative cosine over it, rounded to 4 decimals."""
    if not units:
        return {c.key: np.zeros(0) for c in competencies}
    unit_vectors = embedder.embed([u.text for u in units])
    specificity = np.array([specificity_weight(u.text) for u in units])
    evidence: dict[str, np.ndarray] = {}
    for competency in competencies:
        positive = cosine(unit_vectors, _embed_texts(embedder, competency.positive)).max(axis=1)
        if competency.negative:
            negative = cosine(unit_vectors, _embed_texts(embedder, competency.negative)).max(1)
        else:
            negative = np.full(len(units), -1.0)
        weight = (
            specificity
            if competency.family in SPECIFIC_FAMILIES
            else np.ones(len(units), dtype=np.float64)
        )
        penalty = np.maximum(0.0, negative - positive)
        evidence[competency.key] = np.round(positive * weight - penalty, 4)
    return evidence


def _ranked(values: np.ndarray, units: Sequence[Unit]) -> list[int]:
    """Unit indices by evidence (highest first), ties by time then text."""
    return sorted(
        range(len(units)), key=lambda i: (-float(values[i]), units[i].start, units[i].text)
    )


def coverage(values: np.ndarray) -> float:
    """``(best + mean of the top TOP_K) / 2``, missing units counting 0, never below 0."""
    top = sorted((max(0.0, float(v)) for v in values), reverse=True)[:TOP_K]
    if not top:
        return 0.0
    padded = top + [0.0] * (TOP_K - len(top))
    return round((top[0] + sum(padded) / TOP_K) / 2, 4)


def base_score(value: float) -> int:
    """The score a coverage gives before signals (``COVERAGE_THRESHOLDS``)."""
    for score, threshold in COVERAGE_THRESHOLDS:
        if value >= threshold:
            return score
    return MIN_SCORE


# --- scores ----------------------------------------------------------------------------------


def _score(
    competency: Competency, values: np.ndarray, units: Sequence[Unit], signals: Signals
) -> tuple[int, str, list[dict[str, Any]]]:
    covered = coverage(values)
    base = base_score(covered)
    points = float(base)
    caps: list[int] = []
    notes: list[str] = []
    for rule in RULES:
        if rule.family is not None and rule.family != competency.family:
            continue
        value = signals.value(rule.signal)
        if value is None or not rules.holds(float(value), rule.op, rule.threshold):
            continue
        points += rule.points
        if rule.cap is not None:
            caps.append(rule.cap)
        effect = f"{rule.points:+g}" if rule.points else f"score at most {rule.cap}"
        text = rule.text.format(value=_shown(value, rule.percent)).rstrip(".")
        notes.append(f"{text} ({effect})")
    # Ties round down: a 3.5 is a 3 until a reviewer says otherwise.
    score = min(max(math.ceil(points - 0.5), MIN_SCORE), MAX_SCORE)
    if caps:
        score = min(score, *caps)

    ranked = _ranked(values, units)
    cited = [i for i in ranked if float(values[i]) >= QUOTE_MIN_EVIDENCE][:MAX_QUOTES]
    if not cited and ranked:  # the closest the candidate came, so a reader can judge
        cited = ranked[:1]
    quotes = [units[i].quote() for i in sorted(cited, key=lambda i: (units[i].start, i))]

    parts = [
        f"{competency.name}: {competency.description.rstrip('.')}.",
        (
            f"Closest match to the competency: {covered:.2f} (best sentence "
            f"{max(0.0, float(values[ranked[0]])):.2f}), which gives {base}/5 before signals."
            if ranked
            else f"The candidate said nothing that could evidence it: {base}/5 before signals."
        ),
    ]
    parts.append(f"Signals: {'; '.join(notes)}." if notes else "No measured signal changed it.")
    if quotes:
        cited_text = "; ".join(
            f"{_clock(q['start'])} \u201c{_short(q['text'])}\u201d" for q in quotes
        )
        parts.append(f"Evidence: {cited_text}.")
    parts.append(f"Score {score}/5.")
    return score, " ".join(parts), quotes


def _weighted_mean(results: Sequence[tuple[Competency, int]]) -> float:
    if not results:
        return float(MIN_SCORE)
    total = sum(c.weight for c, _ in results)
    if total <= 0:
        return round(sum(s for _, s in results) / len(results), 3)
    return round(sum(c.weight * s for c, s in results) / total, 3)


def _recommend(
    mean: float, results: Sequence[tuple[Competency, int]], signals: Signals
) -> Recommendation:
    if mean < REJECT_MEAN:
        return "reject"
    if mean >= ADVANCE_MEAN and min(s for _, s in results) >= 2 and not signals.unanswered:
        return "advance"
    return "hold"


# --- report texts ----------------------------------------------------------------------------


def _highlights(
    competencies: Sequence[Competency], evidence: Mapping[str, np.ndarray], units: Sequence[Unit]
) -> list[str]:
    """The candidate's best sentences, each with the competency it evidences most."""
    best: list[tuple[float, int, Competency]] = []
    for i in range(len(units)):
        value, competency = max(
            ((float(evidence[c.key][i]), c) for c in competencies),
            key=lambda pair: pair[0],  # first competency wins a tie (report order)
        )
        if value >= HIGHLIGHT_MIN_EVIDENCE and units[i].words >= HIGHLIGHT_MIN_WORDS:
            best.append((value, i, competency))
    best.sort(key=lambda item: (-item[0], units[item[1]].start, item[1]))
    chosen = sorted(best[:MAX_HIGHLIGHTS], key=lambda item: units[item[1]].start)
    return [
        f"{_clock(units[i].start)} ({competency.name}): \u201c{units[i].text}\u201d"
        for _, i, competency in chosen
    ]


def _red_flags(signals: Signals) -> list[str]:
    flags: list[str] = []
    if signals.talk_ratio is not None and signals.talk_ratio < LOW_TALK_RATIO:
        flags.append(
            f"Very low candidate talk ratio: the candidate spoke for {signals.talk_ratio:.0%} "
            "of the conversation."
        )
    for question in signals.unanswered:
        flags.append(
            f"No answer to the question at {_clock(question.start)}: "
            f"\u201c{_short(question.text)}\u201d"
        )
    if signals.short_answer_share is not None and signals.short_answer_share >= 0.5:
        short = round(signals.short_answer_share * signals.answered)
        flags.append(
            f"Short answers: {short} of {signals.answered} answers were under "
            f"{SHORT_ANSWER_WORDS} words."
        )
    if signals.evasive_answers:
        flags.append(
            f"Evasive answers: {signals.evasive_answers} of {signals.answered} answers amount to "
            "\u201cI don't know\u201d or \u201cnot sure\u201d."
        )
    if signals.filler_per_100_words > 6:
        flags.append(
            f"Many filler words: {signals.filler_per_100_words:g} per 100 words of the "
            "candidate's speech."
        )
    if signals.candidate_words < MIN_CANDIDATE_WORDS:
        flags.append(
            f"Very little candidate speech: {signals.candidate_words} words in the whole "
            "interview, too little to assess reliably."
        )
    return flags


_NEXT_ROUND: dict[Family | None, str] = {
    "communication": (
        "For {the_role}, explain a recent project to us as you would to a new teammate: "
        "the goal, your part in it and the result, in about two minutes."
    ),
    "depth": (
        "For {the_role}, walk us through a system you built end to end: the technologies "
        "you chose and why, the load it handled in numbers, and what broke first."
    ),
    "problem_solving": (
        "For {the_role}, describe a hard problem you solved: how you narrowed it down, "
        "which alternatives you weighed and why you chose the one you did."
    ),
    "collaboration": (
        "For {the_role}, tell us about something you owned from start to finish and how "
        "you worked with others to deliver it, including a disagreement and how it was settled."
    ),
    "role_fit": (
        "What in your experience prepares you for {the_role}, and what would you want to "
        "learn in your first six months?"
    ),
    None: (
        "For {the_role}, give a concrete example that shows {name}: {description} What did "
        "you do, and what was the result?"
    ),
}
_MISSING: dict[Family | None, str] = {
    "communication": "answers were brief or hard to follow",
    "depth": "little concrete technical detail such as technologies, numbers or reasons",
    "problem_solving": "the reasoning behind decisions was thinly explained",
    "collaboration": "little evidence of personal ownership and teamwork",
    "role_fit": "the match with the role's work was not established",
    None: "little evidence in the interview",
}


def _next_questions(
    the_role: str, results: Sequence[tuple[Competency, int]], signals: Signals
) -> list[str]:
    """Questions that probe the weakest competencies (scores below 4, lowest first, report order
    on ties), then the questions that went unanswered; at most ``MAX_NEXT_QUESTIONS``."""
    weakest = sorted(
        (pair for pair in enumerate(results) if pair[1][1] < 4),
        key=lambda pair: (pair[1][1], pair[0]),
    )
    questions: list[str] = []
    for _, (competency, score) in weakest[:3]:
        template = _NEXT_ROUND.get(competency.family, _NEXT_ROUND[None])
        if competency.family is None:
            template = _NEXT_ROUND[None]
        text = template.format(
            the_role=the_role,
            name=competency.name.lower(),
            description=competency.description.rstrip(".") + ".",
        )
        reason = _MISSING.get(competency.family, _MISSING[None])
        questions.append(f"{text} (Probes {competency.name.lower()}, {score}/5: {reason}.)")
    for question in signals.unanswered:
        questions.append(f"Return to the unanswered question: \u201c{_short(question.text)}\u201d")
    if not questions:  # a strong interview: go deeper on its best area instead
        competency = max(results, key=lambda pair: pair[1])[0] if results else None
        focus = competency.name.lower() if competency else "the role's core work"
        questions.append(
            f"For {the_role}, take the project you described in most detail one level "
            f"deeper: what would you change now, and what would it cost? (Extends {focus}.)"
        )
    return questions[:MAX_NEXT_QUESTIONS]


def _summary(
    the_role: str,
    signals: Signals,
    results: Sequence[tuple[Competency, int]],
    recommendation: Recommendation,
    mean: float,
) -> str:
    talk = f"{signals.talk_ratio:.0%}" if signals.talk_ratio is not None else "an unknown share"
    parts = [
        f"Interview for {the_role}: {len(signals.questions)} questions asked, "
        f"{signals.answered} answered; the candidate spoke {talk} of the time "
        f"({signals.candidate_words} words)."
    ]
    if results:
        top = max(s for _, s in results)
        low = min(s for _, s in results)
        strongest = _names([c for c, s in results if s == top])
        if top == low:
            parts.append(f"Every competency scored {top}/5.")
        else:
            weakest = _names([c for c, s in results if s == low])
            parts.append(f"Strongest: {strongest} ({top}/5); weakest: {weakest} ({low}/5).")
    parts.append(
        f"Proposed recommendation: {recommendation} (mean score {mean:.1f}/5), for a recruiter "
        "to confirm."
    )
    return " ".join(parts)


def _submittal_note(
    the_role: str, signals: Signals, results: Sequence[tuple[Competency, int]]
) -> str:
    """3–5 neutral sentences about the interview evidence only: no personal attributes, no
    pronouns, nothing but what was said and measured."""
    sentences = [f"The candidate was interviewed for {the_role}."]
    strong = [c for c, s in results if s >= 4]
    developing = [c for c, s in results if s <= 2]
    if strong:
        sentences.append(f"The interview gave clear evidence of {_names(strong)}.")
    middle = [c for c, s in results if s == 3]
    if middle and len(sentences) < 3:
        sentences.append(f"Evidence of {_names(middle)} met the expected level.")
    if developing:
        sentences.append(f"Areas to explore further: {_names(developing)}.")
    if signals.answered:
        median = signals.median_answer_words or 0
        sentences.append(
            f"The candidate answered {signals.answered} of {len(signals.questions)} questions, "
            f"with a median answer of {median:g} words."
        )
    else:
        sentences.append("The recording holds no answers to assess.")
    sentences.append("This summary comes from the recorded interview and awaits recruiter review.")
    return " ".join(sentences[:5])


def _names(competencies: Sequence[Competency]) -> str:
    """Names joined as prose (a; a and b; a, b, and c): built-in names in lower case, a
    rubric's as written."""
    builtin = set(default_competencies())
    names = [c.name.lower() if c in builtin else c.name for c in competencies]
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]


def _shown(value: float | int, percent: bool) -> str:
    if percent:
        return f"{float(value):.0%}"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _clock(seconds: float) -> str:
    total = max(0, int(seconds))
    return f"{total // 60:02d}:{total % 60:02d}"


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"
