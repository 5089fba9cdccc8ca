"""``python -m bench.interview_validity``: print the interview assessment's validity figures."""

from __future__ import annotations

import argparse
import inspect
import re
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.interview_validity.corpus import CANDIDATE, ROLES, Candidate, candidates
from bench.interview_validity.figures import jitter, mean_score, score_figures

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

    figures: dict[str, Any] = {"split": split, "candidates": len(people)}
    figures.update(score_figures(people, reports))
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


def run_audio(
    split: str,
    limit: int | None,
    compare_vocabulary: bool,
    save: Path | None = None,
    rescore: bool = False,
) -> dict[str, Any]:
    """The figures from audio (``audio``), next to the same candidates' figures from text.
    ``save``: a folder keeping each candidate's conversation; ``rescore``: assess the kept
    conversations again instead of rendering and transcribing."""
    from bench.interview_validity import audio
    from workers.interviews.assessment.embeddings import load_embedder
    from workers.interviews.loaded_models import LoadedModels

    people = candidates(split)[:limit] if limit else candidates(split)
    if rescore:
        loaded = LoadedModels(asr=None, speaker_encoder=None, embedder=load_embedder("bundled"))
    else:
        loaded = audio.load_models()
    started = time.perf_counter()
    spoken = {}
    for person in people:
        kept = save / (re.sub(r"[^A-Za-z0-9]+", "-", person.name) + ".pickle") if save else None
        spoken[person.name] = heard = audio.process(
            loaded, person, compare_vocabulary=compare_vocabulary, kept=kept, rescore=rescore
        )
        scored = heard.assessment.get("scored", True)
        print(
            f"  {person.name:<44} {heard.voice:<26} {heard.method}/{heard.speakers} "
            f"{'scored' if scored else 'NOT SCORED'} mean {mean_score(heard.assessment)} "
            f"{heard.assessment.get('recommendation')} WER {heard.wer:.3f}",
            flush=True,
        )
    reports = {name: heard.assessment for name, heard in spoken.items()}
    figures: dict[str, Any] = {"split": split, "candidates": len(people)}
    figures.update(score_figures(people, reports))
    figures["mean_wer"] = round(statistics.mean(h.wer for h in spoken.values()), 3)
    if compare_vocabulary:
        bare = [h.wer_without_vocabulary for h in spoken.values()]
        figures["mean_wer_without_vocabulary"] = round(statistics.mean(bare), 3)
    figures["voices"] = sorted({h.voice for h in spoken.values()})
    figures["seconds"] = round(time.perf_counter() - started, 1)
    embedder = load_embedder("bundled")
    text = {p.name: _assess(p, p.transcript(), embedder) for p in people}
    figures["text"] = score_figures(people, text)
    return figures


def _print_scores(figures: dict[str, Any]) -> None:
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


def _print_audio(figures: dict[str, Any]) -> None:
    print(
        f"interview validity FROM AUDIO, split={figures['split']}, {figures['candidates']} "
        f"candidates, espeak-ng voices {figures['voices']}, speakers by voice (mono)"
    )
    not_scored = figures["not_scored"]
    print(
        f"  scored {figures['scored']}, not scored {len(not_scored)} {not_scored} "
        "(not scored: left out of AUCs and maxima; never an advance)"
    )
    _print_scores(figures)
    wer = f"  mean WER of the transcript against the script: {figures['mean_wer']}"
    if "mean_wer_without_vocabulary" in figures:
        wer += f" (without the job vocabulary: {figures['mean_wer_without_vocabulary']})"
    print(wer)
    print(f"  ({figures['seconds']} s)")
    text = figures["text"]
    print("the same candidates FROM TEXT (speakers known):")
    print(
        f"  overall AUC {text['overall_auc']}, advance share bad {text['advance_share_bad']}, "
        f"max technical depth keyword-list/vague {text['max_depth_keyword_or_vague_candidate']}/5"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", default="held_out", choices=("held_out", "tuning", "all"))
    parser.add_argument("--audio", action="store_true", help="score espeak-ng renders (slow)")
    parser.add_argument("--limit", type=int, default=None, help="audio: the first N candidates")
    parser.add_argument(
        "--compare-vocabulary", action="store_true", help="audio: also the WER without it"
    )
    parser.add_argument("--save", type=Path, default=None, help="audio: keep conversations here")
    parser.add_argument(
        "--rescore", action="store_true", help="audio: assess the conversations in --save again"
    )
    args = parser.parse_args(argv)
    if args.rescore and args.save is None:
        parser.error("--rescore needs --save DIR")
    if args.audio:
        _print_audio(
            run_audio(args.split, args.limit, args.compare_vocabulary, args.save, args.rescore)
        )
        return 0
    figures = run(args.split)
    print(
        f"interview validity, split={figures['split']}, {figures['candidates']} candidates "
        f"(text, speakers known; from audio: --audio)"
    )
    _print_scores(figures)
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
