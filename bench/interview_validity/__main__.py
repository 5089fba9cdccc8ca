"""``python -m bench.interview_validity``: print the interview assessment's validity figures."""

from __future__ import annotations

import argparse
import inspect
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from bench.interview_validity.corpus import CANDIDATE, ROLES, Candidate, candidates
from bench.interview_validity.figures import auc, jitter

# The audio hook: a function that renders a candidate to audio, runs the speech pipeline and
# returns its transcript (segments with speakers); None scores the exact text.
TranscriptSource = Callable[[Candidate, list[tuple[str, str]]], list[dict[str, Any]]]


def _assess(candidate: Candidate, transcript: list[dict[str, Any]], embedder: Any) -> dict:
    from workers.interviews.assessment.assessment import assess

    kwargs: dict[str, Any] = {}
    if "questions" in inspect.signature(assess).parameters:
        kwargs["questions"] = [q.guide() for q in candidate.role.questions]
    return assess(
        transcript,
        roles=ROLES,
        metrics={},
        rubric_categories=None,
        role_title=candidate.role.title,
        embedder=embedder,
        **kwargs,
    )


def _mean_score(report: dict[str, Any]) -> float:
    scores = [s["score"] for s in report["scores"].values() if s.get("score") is not None]
    return round(sum(scores) / len(scores), 3) if scores else 0.0


def run(split: str, source: TranscriptSource | None = None) -> dict[str, Any]:
    from workers.interviews.assessment.embeddings import load_embedder

    embedder = load_embedder("bundled")
    people = candidates(split)
    started = time.perf_counter()
    reports = {}
    for person in people:
        turns = person.turns()
        transcript = source(person, turns) if source else person.transcript(turns)
        reports[person.name] = _assess(person, transcript, embedder)

    good = [p for p in people if p.group == "good"]
    bad = [p for p in people if p.group == "bad"]
    figures: dict[str, Any] = {"split": split, "candidates": len(people)}
    figures["overall_auc"] = auc(
        [_mean_score(reports[p.name]) for p in good], [_mean_score(reports[p.name]) for p in bad]
    )
    keys = sorted({k for r in reports.values() for k in r["scores"]})
    figures["competency_auc"] = {
        key: auc(
            [reports[p.name]["scores"][key]["score"] for p in good],
            [reports[p.name]["scores"][key]["score"] for p in bad],
        )
        for key in keys
    }
    by_kind: dict[str, list[float]] = defaultdict(list)
    for p in people:
        by_kind[p.name.rsplit("/", 1)[1]].append(_mean_score(reports[p.name]))
    figures["mean_score_by_profile"] = {k: round(statistics.mean(v), 2) for k, v in by_kind.items()}
    figures["advance_share_bad"] = round(
        sum(reports[p.name]["recommendation"] == "advance" for p in bad) / len(bad), 3
    )
    figures["advance_share_good"] = round(
        sum(reports[p.name]["recommendation"] == "advance" for p in good) / len(good), 3
    )
    weak = [p for p in people if set(p.kinds) <= {"vague", "keywords"}]
    figures["max_depth_keyword_or_vague_candidate"] = max(
        reports[p.name]["scores"]["technical_depth"]["score"] for p in weak
    )
    answer_scores: dict[str, list[float]] = defaultdict(list)
    for p in people:
        for kind, judged in zip(p.kinds, reports[p.name].get("answers") or [], strict=False):
            answer_scores[kind].append(judged["score"])
    if answer_scores:
        figures["answer_auc_correct_vs_bad"] = auc(
            answer_scores["correct"],
            [s for k in ("wrong", "vague", "keywords", "other_question") for s in answer_scores[k]],
        )
        figures["max_answer_score_keyword_or_vague"] = max(
            answer_scores["keywords"] + answer_scores["vague"]
        )
        figures["mean_answer_score_by_kind"] = {
            k: round(statistics.mean(v), 2) for k, v in sorted(answer_scores.items())
        }
    figures["flip_rate"] = _flip_rate(people, reports, embedder, source)
    figures["seconds"] = round(time.perf_counter() - started, 1)
    return figures


def _flip_rate(people, reports, embedder, source) -> dict[str, Any]:
    """Share of competency scores and of recommendations that change under each kind of
    speech-recognition jitter (``figures.jitter``), and over all of them."""
    changed: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # scores, of, recs, of
    for person in people:
        base = reports[person.name]
        for name, turns in sorted(jitter(person.turns(), CANDIDATE).items()):
            transcript = source(person, turns) if source else person.transcript(turns)
            other = _assess(person, transcript, embedder)
            counts = changed[name]
            for key, value in base["scores"].items():
                counts[0] += value["score"] != other["scores"][key]["score"]
                counts[1] += 1
            counts[2] += base["recommendation"] != other["recommendation"]
            counts[3] += 1
    total = [sum(c[i] for c in changed.values()) for i in range(4)]
    return {
        "scores": round(total[0] / total[1], 3) if total[1] else 0.0,
        "recommendations": round(total[2] / total[3], 3) if total[3] else 0.0,
        "variants": total[3],
        "by_kind": {
            name: {"scores": round(c[0] / c[1], 3), "recommendations": round(c[2] / c[3], 3)}
            for name, c in sorted(changed.items())
            if c[1] and c[3]
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", default="held_out", choices=("held_out", "tuning", "all"))
    args = parser.parse_args(argv)
    figures = run(args.split)
    print(
        f"interview validity, split={figures['split']}, {figures['candidates']} candidates "
        f"(text, speakers known; audio: see TranscriptSource)"
    )
    print(f"  overall AUC good vs bad (mean score): {figures['overall_auc']}")
    for key, value in figures["competency_auc"].items():
        print(f"    {key:<26} AUC {value}")
    if "answer_auc_correct_vs_bad" in figures:
        print(f"  answer-level AUC correct vs bad: {figures['answer_auc_correct_vs_bad']}")
        print(
            f"  max answer score, keyword list or vague: "
            f"{figures['max_answer_score_keyword_or_vague']}/5"
        )
        print(f"  mean answer score by kind: {figures['mean_answer_score_by_kind']}")
    print(f"  mean score by profile: {figures['mean_score_by_profile']}")
    print(
        f"  advance share: bad {figures['advance_share_bad']}, good {figures['advance_share_good']}"
    )
    print(
        f"  max technical depth, keyword-list/vague candidates: "
        f"{figures['max_depth_keyword_or_vague_candidate']}/5"
    )
    flips = figures["flip_rate"]
    print(
        f"  flip rate under small transcript changes: scores {flips['scores']}, "
        f"recommendations {flips['recommendations']} ({flips['variants']} variants)"
    )
    for name, kind in flips["by_kind"].items():
        print(f"    {name:<26} scores {kind['scores']}, recommendations {kind['recommendations']}")
    print(f"  ({figures['seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
