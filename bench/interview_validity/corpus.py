"""The interview scripts as candidates: each candidate answers a role's questions of one split in
a known way, and is good, partial or bad by construction."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

SCRIPTS = Path(__file__).parent / "scripts"
INTERVIEWER, CANDIDATE = "SPEAKER_00", "SPEAKER_01"
ROLES = {INTERVIEWER: "interviewer", CANDIDATE: "candidate"}
AnswerKind = Literal["correct", "partial", "wrong", "vague", "keywords", "other_question"]
Group = Literal["good", "partial", "bad"]
BAD_KINDS: frozenset[str] = frozenset({"wrong", "vague", "keywords", "other_question"})
# (name, answer kind for each question in order); "other_question" is the correct answer of the
# next question of the split (the last takes the first's).
PROFILES: tuple[tuple[str, Group, tuple[AnswerKind, ...]], ...] = (
    ("correct", "good", ("correct", "correct")),
    ("mostly_correct", "good", ("correct", "partial")),
    ("partial", "partial", ("partial", "partial")),
    ("wrong", "bad", ("wrong", "wrong")),
    ("vague", "bad", ("vague", "vague")),
    ("keywords", "bad", ("keywords", "keywords")),
    ("other_question", "bad", ("other_question", "other_question")),
    ("wrong_and_vague", "bad", ("wrong", "vague")),
    ("keywords_and_wrong", "bad", ("keywords", "wrong")),
)


@dataclass(frozen=True)
class ScriptQuestion:
    id: str
    split: str
    text: str
    category: str
    key_points: tuple[str, ...]
    misconceptions: tuple[str, ...]
    levels: dict[str, str]
    answers: dict[str, str]

    def guide(self) -> dict[str, Any]:
        """The question as a job's question bank holds it."""
        return {
            "id": self.id,
            "text": self.text,
            "category": self.category,
            "key_points": list(self.key_points),
            "misconceptions": list(self.misconceptions),
            "levels": dict(self.levels),
        }


@dataclass(frozen=True)
class Role:
    title: str
    questions: tuple[ScriptQuestion, ...]
    # The job's posting, as a recruiter writes it (written for the vocabulary measurement after
    # the answers: it names the role's stack, terms that some answers use and many they do not).
    job_posting: str = ""


@dataclass(frozen=True)
class Candidate:
    """One interview: the role's questions of a split, each answered in a known way."""

    name: str
    role: Role
    group: Group
    questions: tuple[ScriptQuestion, ...]
    kinds: tuple[AnswerKind, ...]
    answers: tuple[str, ...]

    def turns(self) -> list[tuple[str, str]]:
        turns = [
            (INTERVIEWER, f"Thanks for joining. Let's start with the {self.role.title} questions.")
        ]
        for question, answer in zip(self.questions, self.answers, strict=True):
            turns.append((INTERVIEWER, question.text))
            turns.append((CANDIDATE, answer))
        turns.append((INTERVIEWER, "Great, thank you. Do you have any questions for us?"))
        turns.append((CANDIDATE, "No, thank you, that was clear."))
        return turns

    def transcript(self, turns: list[tuple[str, str]] | None = None) -> list[dict[str, Any]]:
        return build(turns if turns is not None else self.turns())


def build(
    turns: list[tuple[str, str]], *, gap: float = 0.6, words_per_s: float = 2.6
) -> list[dict[str, Any]]:
    """Segments with word timestamps as the pipeline stores them, one per turn."""
    clock, segments = 0.0, []
    for speaker, text in turns:
        tokens = text.split()
        start = round(clock, 2)
        end = round(clock + max(0.8, len(tokens) / words_per_s), 2)
        step = (end - start) / max(1, len(tokens))
        segments.append(
            {
                "start": start,
                "end": end,
                "speaker": speaker,
                "role": ROLES[speaker],
                "text": text,
                "words": [
                    {
                        "start": round(start + i * step, 2),
                        "end": round(start + (i + 1) * step, 2),
                        "text": token,
                    }
                    for i, token in enumerate(tokens)
                ],
            }
        )
        clock = end + gap
    return segments


def load_roles() -> list[Role]:
    roles = []
    for path in sorted(SCRIPTS.glob("*.json")):
        data = json.loads(path.read_text())
        questions = tuple(
            ScriptQuestion(
                id=q["id"],
                split=q["split"],
                text=q["text"],
                category=q.get("category", "technical"),
                key_points=tuple(q["key_points"]),
                misconceptions=tuple(q["misconceptions"]),
                levels=dict(q.get("levels", {})),
                answers=dict(q["answers"]),
            )
            for q in data["questions"]
        )
        roles.append(
            Role(title=data["role"], questions=questions, job_posting=data.get("job_posting", ""))
        )
    return roles


def candidates(split: str) -> list[Candidate]:
    """Every profile for every role, on the questions of ``split`` ("all": each split apart)."""
    splits = ("tuning", "held_out") if split == "all" else (split,)
    out: list[Candidate] = []
    for role in load_roles():
        for part in splits:
            questions = tuple(q for q in role.questions if q.split == part)
            if not questions:
                continue
            for name, group, kinds in PROFILES:
                answers = []
                for i, kind in enumerate(kinds[: len(questions)]):
                    if kind == "other_question":
                        answers.append(questions[(i + 1) % len(questions)].answers["correct"])
                    else:
                        answers.append(questions[i].answers[kind])
                out.append(
                    Candidate(
                        name=f"{role.title}/{part}/{name}",
                        role=role,
                        group=group,
                        questions=questions,
                        kinds=kinds[: len(questions)],
                        answers=tuple(answers),
                    )
                )
    return out
