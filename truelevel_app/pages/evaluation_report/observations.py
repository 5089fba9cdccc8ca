"""The observations of a result, each shown once: a sentence that several categories list (a
custom rubric may score two categories from one signal family) appears under the first, naming
the others; the later ones say where it is. Each observation is weighed, so the summary can pick
the strongest and weakest points."""

from __future__ import annotations

import dataclasses

from backend.models.evaluation_result import AutomatedResult
from backend.services.evaluations import strongest_points
from backend.services.evaluations.strongest_points import observation_weight, sentence_key
from truelevel_app.pages.evaluation_report.evidence import EvidenceStore
from truelevel_app.pages.evaluation_report.figures import number
from truelevel_app.pages.evaluation_report.views import CategoryView, ObservationView

Scores = dict[str, int | float]  # category → the score that counts (the reviewer's, if adjusted)


@dataclasses.dataclass
class Point:
    """One observation as the summary weighs it."""

    view: ObservationView
    categories: list[str]
    weight: float  # how far it moved the score: a rule's points, else 1
    standing: float  # its category's score as a share of the maximum
    order: int  # as the engine listed it

    @property
    def polarity(self) -> int:
        return self.view["polarity"]


def counting_score(category: str, automated: float | None, adjusted: Scores) -> float:
    """The category's score that counts: the reviewer's adjustment, else the engine's."""
    return adjusted.get(category, float(automated or 0))


def _tally(points: list[Point]) -> str:
    strengths = sum(1 for p in points if p.view["polarity"] > 0)
    weaknesses = sum(1 for p in points if p.view["polarity"] < 0)
    parts = [
        f"{strengths} strength{'' if strengths == 1 else 's'}" if strengths else "",
        f"{weaknesses} weakness{'' if weaknesses == 1 else 'es'}" if weaknesses else "",
    ]
    return " · ".join(p for p in parts if p)


def _shared(elsewhere: list[str]) -> str:
    if not elsewhere:
        return ""
    count = len(elsewhere)
    places = " and ".join(dict.fromkeys(elsewhere))
    return f"{count} more observation{'' if count == 1 else 's'} listed under {places}."


def gather(
    result: AutomatedResult, adjusted: Scores, store: EvidenceStore
) -> tuple[list[CategoryView], list[Point]]:
    """The categories with their observations (each sentence once), and every observation as a
    point the summary can weigh."""
    seen: dict[str, Point] = {}
    categories: list[CategoryView] = []
    for c_index, category in enumerate(result.rubric_scores):
        name = category.category
        score = counting_score(name, category.score, adjusted)
        own: list[Point] = []
        elsewhere: list[str] = []
        for o_index, observation in enumerate(category.observations):
            earlier = seen.get(sentence_key(observation.text))
            if earlier is not None:
                if name not in earlier.categories:
                    earlier.categories.append(name)
                    earlier.view["also"] = "Also counts for " + ", ".join(earlier.categories[1:])
                elsewhere.append(earlier.categories[0])
                continue
            view = ObservationView(
                text=observation.text,
                polarity=observation.polarity,
                evidence=store.chips(observation.evidence, f"c{c_index}o{o_index}"),
                category=name,
                also="",
            )
            point = Point(
                view=view,
                categories=[name],
                weight=observation_weight(observation),
                standing=score / float(category.max_score or 5),
                order=len(seen),
            )
            seen[sentence_key(observation.text)] = point
            own.append(point)
        categories.append(
            CategoryView(
                category=name,
                score=f"{number(score)} / {number(category.max_score)}",
                observations=[p.view for p in own],
                tally=_tally(own),
                shared=_shared(elsewhere),
            )
        )
    return categories, list(seen.values())


def strongest(points: list[Point]) -> list[ObservationView]:
    """The strengths that moved the score most (``strongest_points``)."""
    return [p.view for p in strongest_points.strongest(points)]


def weakest(points: list[Point]) -> list[ObservationView]:
    """The weaknesses that cost most (``strongest_points``)."""
    return [p.view for p in strongest_points.weakest(points)]
