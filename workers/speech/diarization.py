"""Who spoke when in a mono recording: speaker embeddings of the transcript, clustered.

Two questions, answered from two sets of windows over the transcript's segments:

- **How many voices?** Windows of about 3 s (``COUNT_WINDOW_S``) are embedded with CAM++
  (``speaker_embeddings.py``) and split in two with k-means; the split's silhouette (cosine) is
  the recording's *separation*. One voice unless it reaches ``TWO_SPEAKERS_MIN``. Longer windows
  average more of each voice, so the figure moves less with where Whisper happens to cut its
  segments than 1.5 s windows do, and the encoder tells voices apart much better on 3 s than on
  1.5 s. Callers that know there must be several voices (an interview) pass ``min_speakers``
  and skip the question.
- **Who said what?** Windows of about 1.5 s (short enough to place a change of voice) are
  clustered with k-means into that many speakers (more than two only when the silhouette says
  so, up to ``max_speakers``); each segment goes to the nearest centroid, and a segment whose
  windows clearly disagree is split at word boundaries, so a speaker change that Whisper left
  inside one segment is not lost. When two or more voices were decided on, each cluster keeps
  at least one segment, even where every segment's windows vote for another voice.

The result carries the separation, so a report can show how clear the decision was. Stereo
recordings with one speaker per channel do not need this (see ``channels.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from workers.speech.decoding import DecodedAudio
from workers.speech.speaker_embeddings import (
    ENCODER_NAME,
    SpeakerEncoder,
    load_speaker_encoder,
    resolve_speaker_device,
)
from workers.speech.speaker_timeline import SpeakerTurn, speaker_timeline
from workers.speech.speech_regions import SpeechRegion, speech_regions
from workers.speech.transcription import SAMPLE_RATE, Segment, Transcript

__all__ = [
    "ENCODER_NAME",
    "DiarizationResult",
    "SpeakerTurn",
    "diarize",
    "load_speaker_encoder",
    "resolve_speaker_device",
]

WINDOW_S = 1.5  # segments are labelled in windows of about this length
COUNT_WINDOW_S = 3.0  # and the number of voices is decided on windows of about this length
SHORT_SEGMENT_S = 0.5  # too short for a reliable embedding: takes a neighbour's speaker
MIN_WINDOWS = 3  # fewer windows than this cannot show a second speaker
# A second voice when the two-way split of the 3 s windows has at least this silhouette. Measured
# with CAM++ (k-means, cosine) on single voices: jfk.flac 0.322, espeak monologues 0.260-0.262;
# on two voices: the espeak test interview 0.524, jfk with another real speaker cut in 0.520.
# Shifting every transcript segment by 0.1-0.2 s either way (as another build of CTranslate2 may
# cut them) moves these to at most 0.323 (single) and at least 0.476 (two voices): a margin of
# 0.07 or more on both sides. Real recordings are much less clear-cut (telephone calls 0.25-0.51,
# AMI meetings 0.18-0.50): see bench/speakers, and pass min_speakers where the count is known.
TWO_SPEAKERS_MIN = 0.40
KMEANS_SEED = 0
# Inside one segment, a run of words shorter than this is not a change of speaker, and a window
# must be this much nearer (cosine similarity) another speaker's centroid to split its segment.
# Measured with CAM++ on the espeak interview: each of its 32 windows is nearer its own voice's
# centroid, by 0.086-0.19 (median 0.14; "Um, it took..." by 0.10), so a window of the other
# voice inside a segment is nearer that voice's centroid by about as much, and a clean window
# would have to move 0.19 or more to split its segment.
MIN_RUN_S = 1.0
SPLIT_MARGIN = 0.1

Method = Literal["embeddings", "single"]


@dataclass(frozen=True)
class DiarizationResult:
    """Segments with `speaker` set (SPEAKER_00, SPEAKER_01, ... by first appearance)."""

    segments: tuple[Segment, ...]
    speaker_count: int
    method: Method
    # Silhouette of the two-way split of the 3 s windows (0 when too little speech to tell):
    # how clearly the recording holds a second voice, compared with TWO_SPEAKERS_MIN.
    separation: float = 0.0
    # Who speaks when over the recording's own speech, with the same speaker names: it also
    # holds what the transcript leaves out (``speaker_timeline.py``).
    turns: tuple[SpeakerTurn, ...] = ()

    @property
    def voices_clear(self) -> bool:
        """Whether the recording clearly holds more than one voice: when two were required
        (``min_speakers``) but the separation stays below ``TWO_SPEAKERS_MIN``, the split
        between them may be a split of one voice."""
        return self.separation >= TWO_SPEAKERS_MIN


@dataclass(frozen=True)
class _Window:
    segment: int  # index into the transcript's segments
    start: float
    end: float


def diarize(
    audio: DecodedAudio,
    transcript: Transcript,
    *,
    encoder: SpeakerEncoder | None = None,
    min_speakers: int = 1,
    max_speakers: int = 4,
) -> DiarizationResult:
    """Label each transcript segment with its speaker, from the voice alone.

    `audio` is the 16 kHz recording the transcript was made from (mixed to mono). Deterministic:
    the same input always gives the same labels. A segment may be split in two or more at word
    boundaries when its parts are spoken by different voices. `min_speakers` > 1 says the
    recording has at least that many voices (an interview), so only who spoke when is decided.
    """
    if audio.sample_rate != SAMPLE_RATE:
        raise ValueError(f"decode at {SAMPLE_RATE} Hz for diarization")
    segments = list(transcript.segments)
    if not segments:
        return DiarizationResult((), 0, "single")
    samples = audio.mono()
    duration = samples.size / SAMPLE_RATE
    windows = _windows(segments, duration, WINDOW_S)
    count_windows = _windows(segments, duration, COUNT_WINDOW_S)
    labels = np.zeros(len(windows), dtype=int)
    segment_labels = {w.segment: 0 for w in windows}
    separation = 0.0
    embeddings = np.zeros((0, 0))
    if len(windows) >= MIN_WINDOWS and max_speakers > 1:
        encoder = encoder or load_speaker_encoder()
        embedded = _embed(encoder, samples, [*windows, *count_windows])
        embeddings, count_embeddings = embedded[: len(windows)], embedded[len(windows) :]
        if len(count_windows) >= MIN_WINDOWS:
            separation = round(_silhouette(count_embeddings, _kmeans(count_embeddings, 2)), 3)
        if min_speakers > 1 or separation >= TWO_SPEAKERS_MIN:
            clusters = _cluster(embeddings, max(2, min_speakers), max_speakers)
            labels, segment_labels = _relabel(
                windows, embeddings, clusters, at_least=max(2, min_speakers)
            )

    labelled = _label_segments(segments, windows, labels, segment_labels)
    # Name clusters by first appearance, so the first voice heard is always SPEAKER_00.
    order = list(dict.fromkeys(cluster for _, cluster in labelled))
    names = {cluster: f"SPEAKER_{i:02d}" for i, cluster in enumerate(order)}
    result = tuple(replace(segment, speaker=names[cluster]) for segment, cluster in labelled)
    method: Method = "embeddings" if len(order) > 1 else "single"
    centroids = {
        names[cluster]: embeddings[labels == cluster].mean(axis=0)
        for cluster in order
        if len(order) > 1 and (labels == cluster).any()
    } or {names[order[0]]: np.zeros(1)}
    # Where the detector hears nothing (very quiet speech), the transcript's segments stand in.
    regions = speech_regions(samples) or [SpeechRegion(s.start, s.end) for s in segments]
    turns = speaker_timeline(samples, regions, encoder, centroids)
    return DiarizationResult(result, len(order), method, separation, turns)


def _windows(segments: Sequence[Segment], duration: float, length_s: float) -> list[_Window]:
    """Windows of about `length_s` over every segment long enough to embed."""
    windows: list[_Window] = []
    for index, segment in enumerate(segments):
        start, end = max(0.0, segment.start), min(duration, segment.end)
        length = end - start
        if length < SHORT_SEGMENT_S:
            continue
        count = max(1, round(length / length_s))
        step = length / count
        windows.extend(
            _Window(index, start + i * step, start + (i + 1) * step) for i in range(count)
        )
    return windows


def _embed(encoder: SpeakerEncoder, samples: np.ndarray, windows: Sequence[_Window]) -> np.ndarray:
    """One speaker embedding (unit length) per window."""
    return encoder.embed(
        [samples[int(w.start * SAMPLE_RATE) : int(w.end * SAMPLE_RATE)] for w in windows]
    )


def _cluster(embeddings: np.ndarray, min_speakers: int, max_speakers: int) -> np.ndarray:
    """Cluster index per window: `min_speakers` clusters, or more when the silhouette is better."""
    best = _kmeans(embeddings, min_speakers)
    best_score = _silhouette(embeddings, best)
    for k in range(min_speakers + 1, min(max_speakers, len(embeddings) - 1) + 1):
        labels = _kmeans(embeddings, k)
        score = _silhouette(embeddings, labels)
        if score > best_score:  # strictly better: ties keep the smaller count
            best, best_score = labels, score
    return best


def _kmeans(embeddings: np.ndarray, clusters: int) -> np.ndarray:
    """k-means with a fixed seed: unlike average linkage, it does not split off one odd window."""
    from sklearn.cluster import KMeans

    clusters = min(clusters, len(embeddings))
    return KMeans(n_clusters=clusters, n_init=10, random_state=KMEANS_SEED).fit_predict(embeddings)


def _silhouette(embeddings: np.ndarray, labels: np.ndarray) -> float:
    from sklearn.metrics import silhouette_score

    if not 1 < len(set(labels.tolist())) < len(embeddings):
        return 0.0
    return float(silhouette_score(embeddings, labels, metric="cosine"))


def _relabel(
    windows: Sequence[_Window], embeddings: np.ndarray, clusters: np.ndarray, *, at_least: int
) -> tuple[np.ndarray, dict[int, int]]:
    """Final cluster per window and per segment, decided against the cluster centroids.

    A segment goes to the centroid nearest its mean embedding: all of its windows vote, so one
    ambiguous window ("Um, it took...") cannot outvote the rest. A window keeps a different
    cluster (and later splits its segment) only when it is clearly nearer that centroid.

    The voting can leave a cluster without a segment (a voice heard only in windows that the
    rest of their segments outvote). As two or more voices were decided on (``at_least``, or
    the caller's ``min_speakers``), such a cluster then takes the segment that leans towards
    it the most, so the result keeps as many speakers as were decided on, as far as the
    clustering found them and there are segments to give them.
    """
    centroids = np.stack(
        [embeddings[clusters == c].mean(axis=0) for c in range(clusters.max() + 1)]
    )
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
    similarity = embeddings @ centroids.T  # (windows, clusters)
    segment_similarity: dict[int, np.ndarray] = {}  # duration-weighted mean, per cluster
    for index in dict.fromkeys(w.segment for w in windows):
        mine = [i for i, w in enumerate(windows) if w.segment == index]
        weights = np.array([windows[i].end - windows[i].start for i in mine])
        segment_similarity[index] = weights @ similarity[mine] / weights.sum()
    segment_labels = {index: int(np.argmax(s)) for index, s in segment_similarity.items()}
    wanted = min(at_least, len(centroids), len(segment_labels))
    given: set[int] = set()  # segments given to a cluster left without one: never split
    for cluster in range(len(centroids)):
        used = list(segment_labels.values())
        if len(set(used)) >= wanted:
            break
        if cluster in used:
            continue
        # Segments whose voice keeps another segment: moving one never empties a cluster.
        movable = [i for i, label in segment_labels.items() if used.count(label) > 1]
        lean = {
            i: segment_similarity[i][cluster] - segment_similarity[i][segment_labels[i]]
            for i in movable
        }
        chosen = max(lean, key=lambda i: (lean[i], -i))
        segment_labels[chosen] = cluster
        given.add(chosen)
    labels = np.array(
        [
            nearest
            if w.segment not in given
            and similarity[i, nearest] - similarity[i, segment_labels[w.segment]] >= SPLIT_MARGIN
            else segment_labels[w.segment]
            for i, (w, nearest) in enumerate(zip(windows, similarity.argmax(axis=1), strict=True))
        ],
        dtype=int,
    )
    return labels, segment_labels


def _label_segments(
    segments: Sequence[Segment],
    windows: Sequence[_Window],
    labels: np.ndarray,
    segment_labels: dict[int, int],
) -> list[tuple[Segment, int]]:
    """Each segment (or its parts) with a cluster; short segments borrow a neighbour's."""
    by_segment: dict[int, list[tuple[_Window, int]]] = {}
    for window, label in zip(windows, labels, strict=True):
        by_segment.setdefault(window.segment, []).append((window, int(label)))

    parts: list[list[tuple[Segment, int | None]]] = []
    for index, segment in enumerate(segments):
        own = by_segment.get(index)
        if not own:
            parts.append([(segment, None)])
        elif len({label for _, label in own}) == 1:
            parts.append([(segment, own[0][1])])
        else:
            parts.append(_split(segment, own, segment_labels[index]))
    flat = [part for group in parts for part in group]
    return [(segment, _borrowed(flat, i)) for i, (segment, _) in enumerate(flat)]


def _split(
    segment: Segment, windows: Sequence[tuple[_Window, int]], label: int
) -> list[tuple[Segment, int]]:
    """Split a segment whose windows disagree at the word boundaries where the voice changes.

    `label` is the segment's own cluster, kept when the change is too short to split off.
    """
    if not segment.words:
        return [(segment, label)]

    def label_at(time: float) -> int:
        for window, label in windows:
            if time < window.end:
                return label
        return windows[-1][1]

    runs: list[tuple[int, list]] = []  # (cluster, words)
    for word in segment.words:
        label = label_at((word.start + word.end) / 2)
        if runs and runs[-1][0] == label:
            runs[-1][1].append(word)
        else:
            runs.append((label, [word]))
    # A run too short to be a real change of speaker joins the run before it (or after it).
    merged: list[tuple[int, list]] = []
    for label, words in runs:
        if merged and (words[-1].end - words[0].start < MIN_RUN_S or merged[-1][0] == label):
            merged[-1][1].extend(words)
        else:
            merged.append((label, list(words)))
    if len(merged) > 1 and merged[0][1][-1].end - merged[0][1][0].start < MIN_RUN_S:
        merged[1] = (merged[1][0], merged[0][1] + merged[1][1])
        merged.pop(0)
    if len(merged) == 1:
        return [(segment, label)]
    return [
        (
            replace(
                segment,
                start=words[0].start if i else segment.start,
                end=words[-1].end if i < len(merged) - 1 else segment.end,
                text=" ".join(word.text for word in words),
                words=tuple(words),
            ),
            label,
        )
        for i, (label, words) in enumerate(merged)
    ]


def _borrowed(parts: Sequence[tuple[Segment, int | None]], index: int) -> int:
    """A part's own cluster, or that of the nearest labelled part in time (0 if none)."""
    segment, label = parts[index]
    if label is not None:
        return label
    candidates = [
        (max(other.start - segment.end, segment.start - other.end), abs(i - index), i, other_label)
        for i, (other, other_label) in enumerate(parts)
        if other_label is not None
    ]
    if not candidates:
        return 0
    return min(candidates)[3]
