"""Who speaks when, frame by frame: the speech regions labelled with the diarized voices.

Diarization decides the voices on the transcript's segments (``diarization.py``); this places
them on the recording's own speech (``speech_regions.py``), which also holds what the transcript
leaves out. Windows of ``WINDOW_S`` every ``HOP_S`` over each region are embedded with the same
speaker encoder; each 10 ms frame goes to the voice whose centroid the windows covering it are
nearest on average (cosine), so a change of voice is placed to within about half a hop. A region
too short for a window (under ``MIN_WINDOW_S``) takes the voice of the nearest frame that has
one. On real two-person calls this lowers the diarization error from 34 % (speakers on the
transcript's segments) to 13 % (``bench/speakers``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from workers.speech.speaker_embeddings import SpeakerEncoder
from workers.speech.speech_regions import SpeechRegion
from workers.speech.transcription import SAMPLE_RATE

WINDOW_S = 1.5
HOP_S = 0.75
MIN_WINDOW_S = 0.4
FRAME_S = 0.01


@dataclass(frozen=True)
class SpeakerTurn:
    """A stretch of one speaker's speech (seconds)."""

    start: float
    end: float
    speaker: str


def speaker_timeline(
    samples: np.ndarray,
    regions: Sequence[SpeechRegion],
    encoder: SpeakerEncoder | None,
    centroids: Mapping[str, np.ndarray],
) -> tuple[SpeakerTurn, ...]:
    """Turns covering `regions`, each with the speaker (a key of `centroids`) heard there."""
    names = list(centroids)
    if not regions or not names:
        return ()
    if len(names) == 1 or encoder is None:
        return tuple(SpeakerTurn(r.start, r.end, names[0]) for r in regions)
    windows = _windows(regions)
    if not windows:
        return tuple(SpeakerTurn(r.start, r.end, names[0]) for r in regions)
    embeddings = encoder.embed(
        [samples[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)] for start, end in windows]
    )
    means = np.stack([centroids[name] for name in names])
    means = means / np.linalg.norm(means, axis=1, keepdims=True)
    similarity = embeddings @ means.T  # (windows, speakers)

    frames = int(np.ceil(regions[-1].end / FRAME_S)) + 1
    total = np.zeros((frames, len(names)))
    covered = np.zeros(frames, dtype=bool)
    for (start, end), row in zip(windows, similarity, strict=True):
        first, last = _frame(start), _frame(end)
        total[first:last] += row
        covered[first:last] = True
    speech = np.zeros(frames, dtype=bool)
    for region in regions:
        speech[_frame(region.start) : _frame(region.end)] = True
    label = np.where(covered, total.argmax(axis=1), -1)
    label = _nearest_filled(label, speech & ~covered)
    label[~speech] = -1
    return tuple(
        SpeakerTurn(first * FRAME_S, last * FRAME_S, names[int(label[first])])
        for first, last in _runs(label)
    )


def _frame(seconds: float) -> int:
    return round(seconds / FRAME_S)


def _windows(regions: Sequence[SpeechRegion]) -> list[tuple[float, float]]:
    """Windows of WINDOW_S every HOP_S or so, spread evenly over each region from end to end."""
    windows: list[tuple[float, float]] = []
    for region in regions:
        length = region.end - region.start
        if length < MIN_WINDOW_S:
            continue
        if length <= WINDOW_S:
            windows.append((region.start, region.end))
            continue
        count = int(np.ceil((length - WINDOW_S) / HOP_S)) + 1
        step = (length - WINDOW_S) / (count - 1)
        windows.extend(
            (region.start + i * step, region.start + i * step + WINDOW_S) for i in range(count)
        )
    return windows


def _nearest_filled(label: np.ndarray, missing: np.ndarray) -> np.ndarray:
    """`label` with each `missing` frame given the label of the nearest labelled frame."""
    known = np.flatnonzero(label >= 0)
    gaps = np.flatnonzero(missing)
    if not known.size or not gaps.size:
        return label
    after = np.clip(np.searchsorted(known, gaps), 0, known.size - 1)
    before = np.clip(after - 1, 0, known.size - 1)
    nearer = np.where(
        np.abs(known[before] - gaps) <= np.abs(known[after] - gaps), known[before], known[after]
    )
    filled = label.copy()
    filled[gaps] = label[nearer]
    return filled


def _runs(label: np.ndarray) -> list[tuple[int, int]]:
    """(first, end) frame of each run of one label, skipping unlabelled frames."""
    edges = np.flatnonzero(np.diff(label)) + 1
    bounds = np.concatenate(([0], edges, [label.size]))
    return [(int(a), int(b)) for a, b in pairwise(bounds) if label[a] >= 0]
