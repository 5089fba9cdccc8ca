"""Speaker attribution on real recordings: DER and speaker-count accuracy.

    .venv/bin/python -m bench.speakers [--only NAME] [--group meeting|conversation]

Each recording (read from a local snapshot of its public repository: see corpus.py for sources and
licences) is transcribed with the configured speech model and diarized as an interview job does it
(an interview passes ``--min-speakers 2``). The system's turns are the diarization's speaker
timeline (the detected speech labelled with the voices); the DER of the transcript's segments with
their labels (what the transcript says) is shown beside it as ``seg DER``. Prints, per recording,
the reference and found speaker counts, the DER (missed, false alarm, confusion), the segments' DER
and whether the voices were clearly apart (``voices_clear``: when not, an interview is not scored
until a reviewer confirms the speakers), then the totals: the mean DER, the share of recordings
whose speaker count is right, and the same figures for the recordings with exactly two reference
speakers and for the group of real two-person conversations (calls and dialogues: what an
interview is; ``--group conversation`` runs only them).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass

from bench.speakers.corpus import GROUPS, recordings
from bench.speakers.der import Score, Turn, score
from workers.speech.diarization import diarize, load_speaker_encoder
from workers.speech.transcription import load_model, transcribe


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="one recording id")
    parser.add_argument("--group", choices=GROUPS, help="only the recordings of one group")
    parser.add_argument(
        "--min-speakers",
        type=int,
        default=1,
        help="2: as for an interview, where two voices are known to be there",
    )
    args = parser.parse_args()
    model, encoder = load_model(), load_speaker_encoder()
    rows: list[Row] = []
    conversations: set[str] = set()
    print(
        f"{'recording':<18} {'ref':>3} {'found':>5} {'DER':>6} {'miss':>6} {'fa':>6} {'conf':>6}"
        f" {'segDER':>6} {'secs':>5}"
    )
    for recording in recordings(args.only, args.group):
        name, audio = recording.name, recording.audio
        started = time.perf_counter()
        result = diarize(
            audio, transcribe(model, audio), encoder=encoder, min_speakers=args.min_speakers
        )
        elapsed = time.perf_counter() - started
        timeline = [Turn(t.start, t.end, t.speaker) for t in result.turns]
        segments = [Turn(s.start, s.end, s.speaker or "?") for s in result.segments]
        found = score(recording.turns, timeline, audio.duration)
        found = Score(**{**found.__dict__, "system_speakers": result.speaker_count})
        by_segments = score(recording.turns, segments, audio.duration).der
        rows.append(Row(name, found, by_segments, result.voices_clear, elapsed))
        if recording.group == "conversation":
            conversations.add(name)
        print(
            f"{name:<18} {found.reference_speakers:>3} {found.system_speakers:>5} "
            f"{found.der:>6.1%} {found.missed:>6.1%} {found.false_alarm:>6.1%} "
            f"{found.confusion:>6.1%} {by_segments:>6.1%} {audio.duration:>5.0f}  "
            f"separation {result.separation:.3f}{'' if result.voices_clear else ' (unclear)'}"
        )
    _summary("all recordings", rows)
    _summary("two-speaker recordings", [r for r in rows if r.score.reference_speakers == 2])
    _summary("two-person conversations", [r for r in rows if r.name in conversations])


@dataclass(frozen=True)
class Row:
    name: str
    score: Score  # of the speaker timeline
    segments_der: float  # of the transcript's labelled segments
    voices_clear: bool
    seconds: float


def _summary(title: str, rows: list[Row]) -> None:
    if not rows:
        return
    mean_der = sum(r.score.der for r in rows) / len(rows)
    mean_segments = sum(r.segments_der for r in rows) / len(rows)
    right = sum(r.score.reference_speakers == r.score.system_speakers for r in rows)
    clear = sum(r.voices_clear for r in rows)
    print(
        f"{title}: {len(rows)} recordings, mean DER {mean_der:.1%} "
        f"(transcript segments {mean_segments:.1%}), speaker count right {right}/{len(rows)} "
        f"({right / len(rows):.0%}), voices clearly apart {clear}/{len(rows)}"
    )


if __name__ == "__main__":
    main()
