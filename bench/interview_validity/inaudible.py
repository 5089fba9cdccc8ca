"""``python -m bench.interview_validity.inaudible``: do scores move under noise no one can hear?

Each candidate's interview is rendered as ``audio`` renders it (mono, espeak-ng voices, speakers
told apart by voice) and processed by the interview job's own code; then copies with every
16-bit sample moved by -1, 0 or +1 at random (``with_lsb_noise``, one copy per seed) are
processed the same way. Printed: how many competency scores, recommendations and "scored"
decisions differ from the clean recording's, over all copies, and each change (competency,
clean score -> noisy score, with the similarity coverage each was scored from).

Also printed: how many transcript words differ from the clean transcript (word alignment) and
how many words heard alike were given to another speaker, so a change is traced to its cause.

``--save DIR`` keeps every recording's conversation (transcript and speakers, pickled), and
``--rescore DIR`` assesses those again without speech models, so a change to the scoring is
measured against the same transcripts in seconds.

Measured 2026-12-08 (held-out split, the first candidates in corpus order, 2 shared CPU cores,
tiny.en int8); runs are deterministic (the same flips on a rerun; ``--rescore`` gives them too):

- ``--limit 3 --seeds 2``: 3 of 30 competency scores, 1 of 6 recommendations, 0 of 6 scored
  decisions changed; 62 of 1152 transcript words differ, none given to another speaker; 125 s
  (model loading not counted).
- ``--limit 6 --seeds 3``: 8 of 90 scores (communication 3, problem solving 3, technical depth
  2), 2 of 18 recommendations, 0 of 18 scored decisions; 176 of 2946 words (6 %) differ, none
  moved to another speaker; 230 s (237 s with loading).
- ``--limit 12 --seeds 3`` (9 Backend, 3 Data Engineer): 15 of 180 scores (communication 6,
  problem solving 5, technical depth 4), 6 of 36 recommendations, 0 of 36 scored decisions; 461
  of 6396 words (7 %) differ, none moved to another speaker; 370 s (377 s with loading).

What was ruled out. The renders hold digital silence (22.8 % of samples exactly zero, 260 runs
of 10 ms or more, up to 0.8 s between turns), but that is not where the noise acts: Whisper's
log-mel features clamp everything 80 dB below the loudest frame, so ±1 LSB in digital silence
moves them by 0.0004 on average (normalised units, first 30 s of one render) against 0.0015 in
speech. A fixed dither under the decoded audio (triangular, peak 5e-4, about -74 dBFS RMS)
lifted silence above that clamp (0.0095) and did not help: 6 of 30 scores and 3 of 6
recommendations changed, 56 of 1156 words differed (``--limit 3 --seeds 2``). float32 instead of
int8 decoding did not either (words differing per copy 12, 12, 17, 6 against 5, 15, 18, 11 on
the first two candidates). Evidence units split at commas as well as sentence ends (Whisper's
choice of comma or full stop moves units) gave 7 of 90 scores changed on the saved transcripts,
and the clean "correct" candidate fell from advance to hold; none of the three is kept.

What remains: the small speech model decodes the same speech differently under a change of
one bit (about 6 % of words: "pool"/"tool", "database"/"NATO base", "optimistic"/"a mystic"),
and punctuates it differently (a comma here, a full stop there, which moves the sentences the
similarity is taken over); the answers' judgements and the competency similarity follow. Scores
move by more than a rounding at a cut-off: the "wrong" candidate's communication coverage went
0.29 -> 0.44 with one word and two punctuation marks changed, a judged mean 2.0 -> 3.5.
"""

from __future__ import annotations

import argparse
import pickle
import re
import sys
import tempfile
import time
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from bench.interview_validity.corpus import Candidate, candidates


def assess_recording(
    loaded, candidate: Candidate, path: Path, saved: Path | None = None, rescore: bool = False
) -> tuple[Any, dict[str, Any]]:
    """The conversation and the assessment the interview job gives ``path`` for ``candidate``'s
    role and questions (``saved``: where its conversation is kept, or read from when
    ``rescore``)."""
    from bench.interview_validity.audio import vocabulary
    from workers.interviews import pipeline

    if rescore and saved is not None:
        conversation = pickle.loads(saved.read_bytes())
    else:
        conversation = pipeline.recording_conversation(loaded, path, vocabulary(candidate))
        if saved is not None:
            saved.parent.mkdir(parents=True, exist_ok=True)
            saved.write_bytes(pickle.dumps(conversation))
    return conversation, assess_conversation(loaded, candidate, conversation)


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
    counts = {
        "scores": 0,
        "scores_of": 0,
        "recommendations": 0,
        "scored": 0,
        "copies": 0,
        "words_differing": 0,
        "words_of": 0,
        "speakers_differing": 0,
    }
    changed: list[str] = []
    by_competency: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as folder:
        for person in people:
            kept = save / _slug(person.name) if save else None
            clean_path = Path(folder) if rescore else audio.render(person, person.turns())
            clean_conversation, clean = assess_recording(
                loaded, person, clean_path, kept / "clean.pickle" if kept else None, rescore
            )
            scored, recommendation, scores = _verdict(clean)
            for seed in seeds:
                noisy_path = (
                    Path(folder) if rescore else with_lsb_noise(clean_path, seed, Path(folder))
                )
                noisy_conversation, noisy = assess_recording(
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
                words, of, speakers = transcript_change(clean_conversation, noisy_conversation)
                counts["words_differing"] += words
                counts["words_of"] += of
                counts["speakers_differing"] += speakers
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


def transcript_change(clean, noisy) -> tuple[int, int, int]:
    """How a noisy copy's transcript differs from the clean one's: words differing (the longer
    side of each change in a word alignment), the clean transcript's word count, and words
    heard at the same place but given to another speaker."""
    clean_words = [(w, s.speaker) for s in clean.segments for w in s.text.split()]
    noisy_words = [(w, s.speaker) for s in noisy.segments for w in s.text.split()]
    matcher = SequenceMatcher(
        None, [w for w, _ in clean_words], [w for w, _ in noisy_words], autojunk=False
    )
    differing = moved = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            differing += max(i2 - i1, j2 - j1)
            continue
        moved += sum(clean_words[i1 + k][1] != noisy_words[j1 + k][1] for k in range(i2 - i1))
    return differing, len(clean_words), moved


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
    print(
        f"  transcript words differing: {figures['words_differing']} of {figures['words_of']}; "
        f"words given to another speaker: {figures['speakers_differing']}"
    )
    print(f"  changes by competency: {figures['by_competency']}")
    for line in figures["changed"]:
        print(f"    {line}")
    print(f"  ({figures['seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
