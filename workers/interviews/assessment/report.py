"""The report's words: rationales, highlights, red flags, questions for the next round, the
summary and the client-ready submittal note. Only wording lives here; every number it shows was
decided in ``scoring``, ``signals`` or ``judge``.

The submittal note never praises what was not judged: "clear evidence" of a content competency
(technical depth, problem solving) needs answers judged correct against their questions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from workers.interviews.assessment.competencies import Competency, Family, default_competencies
from workers.interviews.assessment.judge import AnswerJudgement
from workers.interviews.assessment.scoring import CompetencyScore, Recommendation
from workers.interviews.assessment.signals import (
    LOW_TALK_RATIO,
    MIN_CANDIDATE_WORDS,
    SHORT_ANSWER_WORDS,
    Signals,
)
from workers.interviews.assessment.transcript import Unit

HIGHLIGHT_MIN_EVIDENCE = 0.4
HIGHLIGHT_MIN_WORDS = 8  # "Um, yeah, I did some backend stuff." is on topic, not a highlight
MAX_HIGHLIGHTS = 3
MAX_NEXT_QUESTIONS = 5
_VERDICT_WORDS = {
    "correct": "correct",
    "partly_correct": "partly correct",
    "missed": "missed the key points",
    "wrong": "wrong: it states a common misconception",
    "vague": "vague: nothing specific enough to check",
    "keyword_list": "a list of terms without an explanation",
    "other_question": "an answer to a different question",
    "unanswered": "no answer",
}


def rationale(result: CompetencyScore, judged: Sequence[AnswerJudgement]) -> str:
    competency = result.competency
    parts = [f"{competency.name}: {competency.description.rstrip('.')}."]
    if result.score is None:
        parts.append(
            f"Not scored: not enough evidence. No question in this interview asked about "
            f"{names([competency])}, and answers to other questions say too little about it "
            "to score it reliably; it is left out of the mean and the recommendation. Ask about "
            "it in the next round."
        )
        return " ".join(parts)
    if result.basis == "answers":
        parts.append(
            f"Judged from {len(judged)} answers against their own questions' key points and "
            f"misconceptions: mean {result.covered:.2f}, which gives {result.base}/5 before "
            "signals."
        )
        parts.extend(answer_citation(j) for j in judged)
    elif result.quotes or result.covered:
        parts.append(
            f"Closest match to the competency: {result.covered:.2f}, which gives "
            f"{result.base}/5 before signals."
        )
    else:
        parts.append(
            f"The candidate said nothing that could evidence it: {result.base}/5 before signals."
        )
    if result.notes:
        parts.append(f"Signals: {'; '.join(result.notes)}.")
    else:
        parts.append("No measured signal changed it.")
    if result.quotes:
        cited = "; ".join(
            f"{clock(q['start'])} \u201c{short(q['text'])}\u201d" for q in result.quotes
        )
        parts.append(f"Evidence: {cited}.")
    parts.append(f"Score {result.score}/5.")
    return " ".join(parts)


def answer_citation(judged: AnswerJudgement) -> str:
    """One answer's score with the sentence behind each key point stated, the key points missed
    and the misconceptions matched."""
    stated = [
        f"matches key point \u201c{short(p.point, 90)}\u201d at {clock(p.sentence.start)} "
        f"(\u201c{short(p.sentence.text, 100)}\u201d)"
        for p in judged.points
        if p.credit and p.sentence is not None
    ]
    missed = [f"\u201c{short(p.point, 90)}\u201d" for p in judged.points if not p.credit]
    wrong = [
        f"matches the misconception \u201c{short(c.misconception, 90)}\u201d at "
        f"{clock(c.sentence.start)} (\u201c{short(c.sentence.text, 100)}\u201d)"
        for c in judged.contradictions
    ]
    details = [*stated, *wrong]
    if missed:
        details.append(f"misses {'; '.join(missed)}")
    body = "; ".join(details) if details else "states none of the key points"
    return (
        f"\u201c{short(judged.question.text, 80)}\u201d {judged.score}/5 "
        f"({_VERDICT_WORDS[judged.verdict]}): {body}."
    )


def highlights(
    competencies: Sequence[Competency],
    evidence: Mapping[str, np.ndarray],
    units: Sequence[Unit],
    judged: Sequence[AnswerJudgement],
) -> list[str]:
    """The candidate's best sentences: those that stated a key point of a correct answer, else
    the sentences most like a competency's exemplars (never from a wrong or weak answer)."""
    stated = sorted(
        {
            (p.sentence.start, p.sentence.text, p.point)
            for j in judged
            if j.score >= 4
            for p in j.points
            if p.sentence is not None and p.credit >= 1
        }
    )
    if stated:
        seen: set[str] = set()
        lines = []
        for start, text, point in stated:
            if text in seen:
                continue
            seen.add(text)
            lines.append(f"{clock(start)} (states: {short(point, 90)}): \u201c{text}\u201d")
        return lines[:MAX_HIGHLIGHTS]
    if judged:
        return []
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
        f"{clock(units[i].start)} ({competency.name}): \u201c{units[i].text}\u201d"
        for _, i, competency in chosen
    ]


def notes(signals: Signals, judged: Sequence[AnswerJudgement], unjudged: int) -> list[str]:
    """What the reviewer should know about how the answers were judged."""
    if not judged and signals.answered:
        return [
            "Correctness not judged: no question in this interview carries key points, so the "
            "content scores rest on similarity to the competency texts only and the "
            "recommendation is at most hold. Add key points and misconceptions to the job's "
            "questions to have answers judged."
        ]
    if unjudged:
        return [
            f"{unjudged} answered question(s) matched no question with key points and were not "
            "judged for correctness."
        ]
    return []


def red_flags(signals: Signals, judged: Sequence[AnswerJudgement]) -> list[str]:
    flags: list[str] = []
    for j in judged:
        asked = f"\u201c{short(j.question.text, 90)}\u201d"
        if j.contradictions:
            c = j.contradictions[0]
            kind = "Wrong answer" if j.verdict == "wrong" else "Misconception in the answer"
            flags.append(
                f"{kind} at {clock(j.question.start)} to {asked}: "
                f"\u201c{short(c.sentence.text)}\u201d matches the misconception "
                f"\u201c{short(c.misconception, 120)}\u201d."
            )
        elif j.verdict in ("keyword_list", "vague", "other_question"):
            flags.append(
                f"The answer at {clock(j.question.start)} to {asked} is "
                f"{_VERDICT_WORDS[j.verdict]}."
            )
    if signals.talk_ratio is not None and signals.talk_ratio < LOW_TALK_RATIO:
        flags.append(
            f"Very low candidate talk ratio: the candidate spoke for {signals.talk_ratio:.0%} "
            "of the conversation."
        )
    for question in signals.unanswered:
        flags.append(
            f"No answer to the question at {clock(question.start)}: "
            f"\u201c{short(question.text)}\u201d"
        )
    if signals.short_answer_share is not None and signals.short_answer_share >= 0.5:
        count = round(signals.short_answer_share * signals.answered)
        flags.append(
            f"Short answers: {count} of {signals.answered} answers were under "
            f"{SHORT_ANSWER_WORDS} words."
        )
    if signals.evasive_answers:
        flags.append(
            f"Evasive answers: {signals.evasive_answers} of {signals.answered} answers amount to "
            "\u201cI don't know\u201d or \u201cnot sure\u201d."
        )
    if signals.filler_excess_per_100_words > 6:
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


def next_questions(the_role: str, scored: Sequence[CompetencyScore], signals: Signals) -> list[str]:
    """Questions that probe the weakest competencies (scores below 4, lowest first, report order
    on ties), then the questions that went unanswered; at most ``MAX_NEXT_QUESTIONS``."""
    results = [(r.competency, r.score) for r in scored if r.score is not None]
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
        questions.append(f"Return to the unanswered question: \u201c{short(question.text)}\u201d")
    for result in unscored(scored):
        text = _NEXT_ROUND.get(result.competency.family, _NEXT_ROUND[None]).format(
            the_role=the_role,
            name=result.competency.name.lower(),
            description=result.competency.description.rstrip(".") + ".",
        )
        questions.append(f"{text} (Probes {names([result.competency])}: not asked yet.)")
    if not questions:  # a strong interview: go deeper on its best area instead
        competency = max(results, key=lambda pair: pair[1])[0] if results else None
        focus = competency.name.lower() if competency else "the role's core work"
        questions.append(
            f"For {the_role}, take the project you described in most detail one level "
            f"deeper: what would you change now, and what would it cost? (Extends {focus}.)"
        )
    return questions[:MAX_NEXT_QUESTIONS]


def summary(
    the_role: str,
    signals: Signals,
    scored: Sequence[CompetencyScore],
    recommendation: Recommendation,
    mean: float,
    judged: Sequence[AnswerJudgement] = (),
) -> str:
    talk = f"{signals.talk_ratio:.0%}" if signals.talk_ratio is not None else "an unknown share"
    results = [(r.competency, r.score) for r in scored if r.score is not None]
    parts = [
        f"Interview for {the_role}: {signals.asked} questions asked, "
        f"{signals.answered} answered; the candidate spoke {talk} of the time "
        f"({signals.candidate_words} words)."
    ]
    if results:
        top = max(s for _, s in results)
        low = min(s for _, s in results)
        strongest = names([c for c, s in results if s == top])
        if top == low:
            parts.append(f"Every competency scored {top}/5.")
        else:
            weakest = names([c for c, s in results if s == low])
            parts.append(f"Strongest: {strongest} ({top}/5); weakest: {weakest} ({low}/5).")
    if unscored(scored):
        parts.append(
            f"Not scored (no question asked about it, not enough evidence): "
            f"{names([r.competency for r in unscored(scored)])}."
        )
    parts.append(correctness_sentence(judged))
    parts.append(
        f"Proposed recommendation: {recommendation} (mean score {mean:.1f}/5), for a recruiter "
        "to confirm."
    )
    return " ".join(parts)


def submittal_note(
    the_role: str,
    signals: Signals,
    scored: Sequence[CompetencyScore],
    judged: Sequence[AnswerJudgement] = (),
) -> str:
    """3–5 neutral sentences about the interview evidence only: no personal attributes, no
    pronouns, nothing but what was said and measured."""
    rated = [r for r in scored if r.score is not None]
    results = [(r.competency, r.score) for r in rated]
    sentences = [f"The candidate was interviewed for {the_role}."]
    # Clear evidence of a content competency needs answers judged correct, not similarity.
    strong = [r.competency for r in rated if r.score >= 4 and _evidenced(r)]
    developing = [c for c, s in results if s <= 2]
    if strong:
        sentences.append(f"The interview gave clear evidence of {names(strong)}.")
    middle = [r.competency for r in rated if r.score == 3 and _evidenced(r)]
    if middle and len(sentences) < 3:
        sentences.append(f"Evidence of {names(middle)} met the expected level.")
    if developing:
        sentences.append(f"Areas to explore further: {names(developing)}.")
    if judged:
        sentences.append(correctness_sentence(judged))
    elif signals.answered:
        median = signals.median_answer_words or 0
        sentences.append(
            f"The candidate answered {signals.answered} of {signals.asked} questions, "
            f"with a median answer of {median:g} words."
        )
    else:
        sentences.append("The recording holds no answers to assess.")
    sentences.append("This summary comes from the recorded interview and awaits recruiter review.")
    return " ".join(sentences[:5])


def correctness_sentence(judged: Sequence[AnswerJudgement]) -> str:
    if not judged:
        return "No answer could be judged for correctness (no question carries key points)."
    correct = sum(1 for j in judged if j.score >= 4)
    wrong = sum(1 for j in judged if j.verdict == "wrong")
    text = f"{correct} of {len(judged)} answers judged against their questions were correct"
    return text + (f"; {wrong} stated a common misconception." if wrong else ".")


def names(competencies: Sequence[Competency]) -> str:
    """Names joined as prose (a; a and b; a, b, and c): built-in names in lower case, a
    rubric's as written."""
    builtin = set(default_competencies())
    names = [c.name.lower() if c in builtin else c.name for c in competencies]
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]


def clock(seconds: float) -> str:
    total = max(0, int(seconds))
    return f"{total // 60:02d}:{total % 60:02d}"


def short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def unscored(results: Sequence[CompetencyScore]) -> list[CompetencyScore]:
    """The competencies left unscored for want of evidence (``probes``), in report order."""
    return [r for r in results if r.score is None]


def _evidenced(result: CompetencyScore) -> bool:
    from workers.interviews.assessment.scoring import CONTENT_FAMILIES

    return result.basis == "answers" or result.competency.family not in CONTENT_FAMILIES
