"""Diarization error rate and speaker count against RTTM references.

DER is measured frame by frame (10 ms) over the reference's speech and the system's speech, with
the optimal one-to-one mapping of system speakers to reference speakers (Hungarian method) and no
forgiveness collar: missed speech + false alarm + confusion, over total reference speech. Where
two reference speakers overlap, a frame counts each of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

FRAME_S = 0.01


@dataclass(frozen=True)
class Turn:
    start: float
    end: float
    speaker: str


def parse_rttm(text: str) -> dict[str, list[Turn]]:
    """Reference turns per recording id from the text of an RTTM file."""
    turns: dict[str, list[Turn]] = {}
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 8 or fields[0] != "SPEAKER":
            continue
        start, length = float(fields[3]), float(fields[4])
        turns.setdefault(fields[1], []).append(Turn(start, start + length, fields[7]))
    return turns


def _activity(turns: Iterable[Turn], frames: int) -> tuple[list[str], np.ndarray]:
    speakers = sorted({t.speaker for t in turns})
    active = np.zeros((len(speakers), frames), dtype=bool)
    for turn in turns:
        row = speakers.index(turn.speaker)
        active[row, round(turn.start / FRAME_S) : round(turn.end / FRAME_S)] = True
    return speakers, active


@dataclass(frozen=True)
class Score:
    der: float
    missed: float
    false_alarm: float
    confusion: float
    reference_speakers: int
    system_speakers: int


def score(reference: Sequence[Turn], system: Sequence[Turn], duration: float) -> Score:
    """DER of `system` against `reference` over the first `duration` seconds."""
    frames = round(duration / FRAME_S)
    ref_names, ref = _activity([t for t in reference if t.start < duration], frames)
    sys_names, hyp = _activity([t for t in system if t.start < duration], frames)
    overlap = (ref[:, None, :] & hyp[None, :, :]).sum(axis=2)  # (ref, sys) shared frames
    rows, cols = linear_sum_assignment(-overlap) if overlap.size else ((), ())
    matched = float(sum(overlap[r, c] for r, c in zip(rows, cols, strict=True)))
    n_ref, n_sys = ref.sum(axis=0), hyp.sum(axis=0)
    total = float(n_ref.sum())
    missed = float(np.maximum(n_ref - n_sys, 0).sum())
    false_alarm = float(np.maximum(n_sys - n_ref, 0).sum())
    confusion = float(np.minimum(n_ref, n_sys).sum()) - matched
    return Score(
        der=(missed + false_alarm + confusion) / max(total, 1.0),
        missed=missed / max(total, 1.0),
        false_alarm=false_alarm / max(total, 1.0),
        confusion=confusion / max(total, 1.0),
        reference_speakers=len(ref_names),
        system_speakers=len(sys_names),
    )
