"""Interview competencies: what the assessment looks for in the candidate's words.

Where they come from:

- **Default** (no rubric, or the product's code rubric, which describes a code submission rather
  than a conversation): ``communication``, ``technical_depth``, ``problem_solving``,
  ``ownership_collaboration`` and ``role_fit``, each with a description and exemplar sentences
  written the way a candidate speaks. The exemplars matter: all-MiniLM-L6-v2 puts a descriptor
  ("explains systems in depth") and an answer that does so ("we moved the queue to Kafka because…")
  far apart, while two answers of the same kind land close together.
- **Custom rubric**: each category becomes one competency, keyed by the snake_case form of its
  name (``"System Design"`` → ``system_design``). Its positive texts are the category's and its
  criteria's names and descriptions plus the level "4" and "5" descriptors; its negative texts are
  the level "1" and "2" descriptors. A category whose name contains a known keyword also gets the
  exemplars and measured signals of the matching default competency (``family_for``), so a
  "Communication" category is adjusted for talk ratio and fillers just like the default one.

Competencies are plain frozen data built in a fixed order, so the same rubric version always gives
the same competencies and the same texts to embed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

Family = Literal["communication", "depth", "problem_solving", "collaboration", "role_fit"]

# The default code rubric's categories (backend.services.rubrics.default_rubric_categories); a
# rubric with exactly these names is the code rubric, scored with the default competencies here.
CODE_RUBRIC_CATEGORIES = frozenset(
    {"code quality", "technical depth", "reasoning and trade-offs", "testing", "security"}
)

# First match wins, in this order ("Technical communication" is about communication).
FAMILY_KEYWORDS: tuple[tuple[Family, tuple[str, ...]], ...] = (
    ("communication", ("communicat", "clarity", "articulat", "present", "explain")),
    ("collaboration", ("collab", "team", "owner", "leader", "stakeholder", "mentor")),
    ("problem_solving", ("problem", "reason", "analy", "trade", "debug", "judgement")),
    ("depth", ("technical", "depth", "knowledge", "expert", "architect", "design", "engineer")),
    ("role_fit", ("fit", "motivation", "role", "interest", "career")),
)

_LEVEL_POSITIVE = ("4", "5")
_LEVEL_NEGATIVE = ("1", "2")


@dataclass(frozen=True)
class Competency:
    """One thing the interview is scored on.

    ``key`` is the score key of the report; ``positive`` texts are what a strong answer resembles,
    ``negative`` what a weak one resembles; ``family`` names the measured signals that adjust the
    score (None: similarity only); ``weight`` enters the mean behind the recommendation.
    """

    key: str
    name: str
    description: str
    positive: tuple[str, ...]
    negative: tuple[str, ...]
    family: Family | None
    weight: float = 1.0


_DEFAULTS: tuple[Competency, ...] = (
    Competency(
        key="communication",
        name="Communication",
        description="Answers are clear, structured and sized to the question.",
        positive=(
            "Let me walk you through it step by step: first the context, then what I did.",
            "To put it simply, the service takes requests, validates them and stores the result.",
            "There are two parts to my answer: what we built and what I would do differently.",
            "So in short, the main reason was reliability, and the second was cost.",
            "I explained the design to the team with a diagram and a short written proposal.",
        ),
        negative=(
            "Um, yeah, I guess, kind of, you know.",
            "I don't know, it's hard to say.",
            "Yes.",
            "Not really.",
        ),
        family="communication",
    ),
    Competency(
        key="technical_depth",
        name="Technical depth",
        description="Explains systems with concrete technologies, numbers and design decisions.",
        positive=(
            "We moved the job queue from cron scripts to Kafka because we needed replay.",
            "The API runs on FastAPI with PostgreSQL, and we added a Redis cache in front of it.",
            "I added an index on the user id column and the query went from two seconds to 40 ms.",
            "We shard the database by tenant and replicate each shard to a read replica.",
            "The p99 latency was 800 milliseconds, so I profiled it and found an N+1 query.",
            "We deploy containers to Kubernetes with a blue-green rollout and health checks.",
        ),
        negative=(
            "I mostly used whatever the team already had, I didn't look into the details.",
            "I'm not sure how it worked under the hood.",
            "Somebody else handled the technical part.",
            "I worked on various backend things, the usual stuff.",
            "I made it faster and after that it was fine.",
        ),
        family="depth",
    ),
    Competency(
        key="problem_solving",
        name="Problem solving",
        description="Breaks problems down, weighs alternatives and explains trade-offs.",
        positive=(
            "First I reproduced the bug, then I narrowed it down by bisecting the commits.",
            "We considered two options and chose the simpler one because it was easier to test.",
            "The trade-off was consistency against latency, so we accepted eventual consistency.",
            "I measured before changing anything, so I knew where the time actually went.",
            "If the cache fails we fall back to the database, which is slower but correct.",
            "I looked at the numbers to find where the problem really was before fixing it.",
            "So we fixed the root cause rather than the symptom, and it never came back.",
            "We tried both approaches on staging and kept the one that behaved better.",
        ),
        negative=(
            "I just tried things until it worked.",
            "I would probably google it.",
            "I don't really know how I would approach that.",
            "We looked at it and fixed the issue.",
        ),
        family="problem_solving",
    ),
    Competency(
        key="ownership_collaboration",
        name="Ownership & collaboration",
        description="Takes responsibility for outcomes and works well with others.",
        positive=(
            "I owned the migration from planning to rollout and wrote the runbook.",
            "When the release failed I led the incident review and we fixed the root cause.",
            "I paired with a junior engineer and reviewed their pull requests every day.",
            "I agreed the scope with the product manager and kept the stakeholders updated.",
            "We disagreed on the design, so I wrote up both options and the team decided.",
        ),
        negative=(
            "That wasn't my job, someone else was responsible for it.",
            "I just did the tickets I was given.",
            "The other team caused the problem, not us.",
            "I get along with everyone, I'm a team player.",
        ),
        family="collaboration",
    ),
    Competency(
        key="role_fit",
        name="Role fit",
        description="Experience and motivation match what the role needs.",
        positive=(
            "I have five years of backend experience building APIs like the ones this role owns.",
            "What interests me about this role is working on systems at this scale.",
            "I have done this kind of work before and would like to grow further in it.",
            "The last two years I worked on exactly this kind of product.",
        ),
        negative=(
            "I just need a job, any job really.",
            "I haven't done anything like this before.",
            "I'm not sure what this role involves.",
        ),
        family="role_fit",
    ),
)


def default_competencies() -> tuple[Competency, ...]:
    """The built-in interview competencies, in report order."""
    return _DEFAULTS


def family_for(name: str) -> Family | None:
    """The default competency family whose signals apply to a category, by keywords in its name
    (see ``FAMILY_KEYWORDS``), or None."""
    lowered = name.lower()
    for family, keywords in FAMILY_KEYWORDS:
        if any(keyword in lowered for keyword in keywords):
            return family
    return None


def is_code_rubric(categories: Sequence[Mapping[str, Any]] | None) -> bool:
    """True for no rubric, or one whose category names are exactly the default code rubric's
    (possibly re-weighted): those describe a code submission, not a conversation."""
    if not categories:
        return True
    names = {str(category.get("name", "")).strip().lower() for category in categories}
    return names == CODE_RUBRIC_CATEGORIES


def competencies_from_rubric(
    categories: Sequence[Mapping[str, Any]] | None,
) -> tuple[Competency, ...]:
    """The competencies an interview is scored on for a rubric's categories (the defaults for no
    rubric or the code rubric; see the module docstring)."""
    if is_code_rubric(categories):
        return default_competencies()
    assert categories is not None
    by_family = {c.family: c for c in _DEFAULTS}
    competencies: list[Competency] = []
    used: set[str] = set()
    for category in categories:
        name = " ".join(str(category.get("name", "")).split()) or "Competency"
        key = _unique(slug(name), used)
        used.add(key)
        description = " ".join(str(category.get("description") or "").split())
        positive: list[str] = [name] + ([description] if description else [])
        negative: list[str] = []
        for criterion in category.get("criteria") or ():
            positive.extend(
                text for text in (criterion.get("name"), criterion.get("description")) if text
            )
            levels = criterion.get("levels") or {}
            positive.extend(levels[level] for level in _LEVEL_POSITIVE if levels.get(level))
            negative.extend(levels[level] for level in _LEVEL_NEGATIVE if levels.get(level))
        family = family_for(name)
        if family is not None:  # spoken exemplars match answers far better than descriptors
            positive.extend(by_family[family].positive)
            negative.extend(by_family[family].negative)
        if not description:
            criteria = [c.get("description") for c in category.get("criteria") or ()]
            description = next((text for text in criteria if text), name)
        competencies.append(
            Competency(
                key=key,
                name=name,
                description=description,
                positive=_dedupe(positive),
                negative=_dedupe(negative),
                family=family,
                weight=_weight(category),
            )
        )
    return tuple(competencies)


def slug(name: str) -> str:
    """``"Ownership & Collaboration"`` → ``"ownership_collaboration"``."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "competency"


def _unique(key: str, used: set[str]) -> str:
    candidate, n = key, 2
    while candidate in used:
        candidate, n = f"{key}_{n}", n + 1
    return candidate


def _dedupe(texts: list[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for text in texts:
        cleaned = " ".join(str(text).split())
        if cleaned:
            seen.setdefault(cleaned, None)
    return tuple(seen)


def _weight(category: Mapping[str, Any]) -> float:
    try:
        weight = float(category.get("weight", 1.0))
    except (TypeError, ValueError):
        return 1.0
    return weight if weight >= 0 else 0.0
