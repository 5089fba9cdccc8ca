"""``python -m bench.interview_validity.inaudible``: do scores move under noise no one can hear?

Each candidate's interview is rendered as ``audio`` renders it (mono, espeak-ng voices, speakers
told apart by voice) and processed by the interview job's own code; then copies with every
16-bit sample moved by -1, 0 or +1 at random (``with_lsb_noise``, one copy per seed) are
processed the same way. Printed: how many competency scores, recommendations and "scored"
decisions differ from the clean recording's, over all copies.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.interview_validity.corpus import Candidate, candidates


def assess_recording(loaded, candidate: Candidate, path: Path) -> dict[str, Any]:
    """The assessment the interview job gives ``path`` for ``candidate``'s role and questions."""
    from backend.services.rubrics import default_rubric_categories
    from bench.interview_validity.audio import vocabulary
    from workers.interviews import pipeline

    conversation = pipeline.recording_conversation(loaded, path, vocabulary(candidate))
    result = pipeline.report(
        loaded,
        conversation,
        role_title=candidate.role.title,
        rubric_categories=default_rubric_categories(),
        rubric_ref={"id": None, "version": None},
        questions=[q.guide() for q in candidate.role.questions],
    )
    return result["assessment"]


def _verdict(assessment: dict[str, Any]) -> tuple[bool, str | None, dict[str, Any]]:
    scores = {key: value["score"] for key, value in assessment.get("scores", {}).items()}
    return assessment.get("scored", True), assessment.get("recommendation"), scores


def run(split: str, limit: int | None, seeds: tuple[int, ...]) -> dict[str, Any]:
    from bench.interview_validity import audio
    from tests.workers.speech.interviews import with_lsb_noise

    people = candidates(split)[:limit] if limit else candidates(split)
    loaded = audio.load_models()
    started = time.perf_counter()
    counts = {"scores": 0, "scores_of": 0, "recommendations": 0, "scored": 0, "copies": 0}
    changed: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        for person in people:
            clean_path = audio.render(person, person.turns())
            scored, recommendation, scores = _verdict(assess_recording(loaded, person, clean_path))
            for seed in seeds:
                noisy_path = with_lsb_noise(clean_path, seed, Path(folder))
                other = _verdict(assess_recording(loaded, person, noisy_path))
                moved = [k for k, v in scores.items() if other[2].get(k) != v]
                counts["copies"] += 1
                counts["scores"] += len(moved)
                counts["scores_of"] += len(scores)
                counts["recommendations"] += other[1] != recommendation
                counts["scored"] += other[0] != scored
                if moved or other[1] != recommendation or other[0] != scored:
                    changed.append(f"{person.name} seed {seed}: {moved or ''} {other[1]}")
            print(f"  {person.name:<44} {recommendation} scored={scored}", flush=True)
    return {
        "split": split,
        "candidates": len(people),
        **counts,
        "changed": changed,
        "seconds": round(time.perf_counter() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", default="held_out", choices=("held_out", "tuning", "all"))
    parser.add_argument("--limit", type=int, default=None, help="the first N candidates")
    parser.add_argument("--seeds", type=int, default=2, help="noisy copies per candidate")
    args = parser.parse_args(argv)
    figures = run(args.split, args.limit, tuple(range(1, args.seeds + 1)))
    print(
        f"inaudible noise (±1 LSB), split={figures['split']}, {figures['candidates']} "
        f"candidates, {figures['copies']} noisy copies (mono, speakers by voice)"
    )
    print(
        f"  competency scores changed: {figures['scores']} of {figures['scores_of']}; "
        f"recommendations changed: {figures['recommendations']} of {figures['copies']}; "
        f"scored/not-scored changed: {figures['scored']} of {figures['copies']}"
    )
    for line in figures["changed"]:
        print(f"    {line}")
    print(f"  ({figures['seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
