"""``python -m bench.interview_validity.inaudible``: do scores move under noise no one can hear?

Each candidate's interview is rendered as ``audio`` renders it (mono, espeak-ng voices, speakers
told apart by voice) and processed by the interview job's own code; then copies with every
16-bit sample moved by -1, 0 or +1 at random (``with_lsb_noise``, one copy per seed) are
processed the same way. Printed: how many competency scores, recommendations and "scored"
decisions differ from the clean recording's, over all copies, and each change (competency,
clean score -> noisy score, with the similarity coverage each was scored from).

``--save DIR`` keeps every recording's conversation (transcript and speakers, pickled), and
``--rescore DIR`` assesses those again without speech models, so a change to the scoring is
measured against the same transcripts in seconds.
"""

from __future__ import annotations

import argparse
import pickle
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.interview_validity.corpus import Candidate, candidates


def assess_recording(
    loaded, candidate: Candidate, path: Path, saved: Path | None = None, rescore: bool = False
) -> dict[str, Any]:
    """The assessment the interview job gives ``path`` for ``candidate``'s role and questions
    (``saved``: where its conversation is kept, or read from when ``rescore``)."""
    from bench.interview_validity.audio import vocabulary
    from workers.interviews import pipeline

    if rescore and saved is not None:
        conversation = pickle.loads(saved.read_bytes())
    else:
        conversation = pipeline.recording_conversation(loaded, path, vocabulary(candidate))
        if saved is not None:
            saved.parent.mkdir(parents=True, exist_ok=True)
            saved.write_bytes(pickle.dumps(conversation))
    return assess_conversation(loaded, candidate, conversation)


def assess_conversation(loaded, candidate: Candidate, conversation) -> dict[str, Any]:
    from backend.services.rubrics import default_rubric_categories
    from workers.interviews import pipeline

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


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")


def run(
    split: str,
    limit: int | None,
    seeds: tuple[int, ...],
    save: Path | None = None,
    rescore: bool = False,
) -> dict[str, Any]:
    from bench.interview_validity import audio
    from tests.workers.speech.interviews import with_lsb_noise

    people = candidates(split)[:limit] if limit else candidates(split)
    if rescore:
        from workers.interviews.assessment.embeddings import load_embedder
        from workers.interviews.loaded_models import LoadedModels

        loaded = LoadedModels(asr=None, speaker_encoder=None, embedder=load_embedder("bundled"))
    else:
        loaded = audio.load_models()
    started = time.perf_counter()
    counts = {"scores": 0, "scores_of": 0, "recommendations": 0, "scored": 0, "copies": 0}
    changed: list[str] = []
    by_competency: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as folder:
        for person in people:
            kept = save / _slug(person.name) if save else None
            clean_path = Path(folder) if rescore else audio.render(person, person.turns())
            clean = assess_recording(
                loaded, person, clean_path, kept / "clean.pickle" if kept else None, rescore
            )
            scored, recommendation, scores = _verdict(clean)
            for seed in seeds:
                noisy_path = (
                    Path(folder) if rescore else with_lsb_noise(clean_path, seed, Path(folder))
                )
                noisy = assess_recording(
                    loaded,
                    person,
                    noisy_path,
                    kept / f"seed{seed}.pickle" if kept else None,
                    rescore,
                )
                other = _verdict(noisy)
                moved = [k for k, v in scores.items() if other[2].get(k) != v]
                for key in moved:
                    by_competency[key] = by_competency.get(key, 0) + 1
                    changed.append(
                        f"      {person.name} seed {seed} {key}: {scores[key]} -> "
                        f"{other[2].get(key)} ({_basis(clean, key)} -> {_basis(noisy, key)})"
                    )
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
        "by_competency": by_competency,
        "seconds": round(time.perf_counter() - started, 1),
    }


def _basis(assessment: dict[str, Any], key: str) -> str:
    """How the competency was scored, from its rationale: the coverage or the answers' mean."""
    rationale = str(assessment.get("scores", {}).get(key, {}).get("rationale", ""))
    found = re.search(r"(?:competency: |mean )([0-9.]+), which gives (\d)/5", rationale)
    if not found:
        return "not scored" if "not enough evidence" in rationale.lower() else "?"
    return f"{found.group(1)}={found.group(2)}/5"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", default="held_out", choices=("held_out", "tuning", "all"))
    parser.add_argument("--limit", type=int, default=None, help="the first N candidates")
    parser.add_argument("--seeds", type=int, default=2, help="noisy copies per candidate")
    parser.add_argument("--save", type=Path, default=None, help="keep conversations here")
    parser.add_argument(
        "--rescore", action="store_true", help="assess the conversations kept in --save again"
    )
    args = parser.parse_args(argv)
    if args.rescore and args.save is None:
        parser.error("--rescore needs --save DIR")
    figures = run(args.split, args.limit, tuple(range(1, args.seeds + 1)), args.save, args.rescore)
    print(
        f"inaudible noise (±1 LSB), split={figures['split']}, {figures['candidates']} "
        f"candidates, {figures['copies']} noisy copies (mono, speakers by voice)"
    )
    print(
        f"  competency scores changed: {figures['scores']} of {figures['scores_of']}; "
        f"recommendations changed: {figures['recommendations']} of {figures['copies']}; "
        f"scored/not-scored changed: {figures['scored']} of {figures['copies']}"
    )
    print(f"  changes by competency: {figures['by_competency']}")
    for line in figures["changed"]:
        print(f"    {line}")
    print(f"  ({figures['seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
