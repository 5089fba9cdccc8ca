"""Who spoke when in a mono recording: speaker embeddings of the transcript, clustered.

Two questions, answered from two sets of windows over the transcript's segments:

- **How many voices?** Windows of about 3 s (``COUNT_WINDOW_S``) are embedded with Resemblyzer and
  split in two with k-means; the split's silhouette (cosine) is the recording's *separation*. One
  voice unless it reaches ``TWO_SPEAKERS_MIN``. Longer windows average more of each voice, so the
  figure moves less with where Whisper happens to cut its segments than 1.5 s windows do (on the
  two-voice test interview it moved 0.009 when the transcript's segments changed, against 0.013
  and a margin of 0.03 with 1.5 s windows). Callers that know there must be several voices (an
  interview) pass ``min_speakers`` and skip the question.
- **Who said what?** Windows of about 1.5 s (the length Resemblyzer was trained on) are clustered
  with k-means into that many speakers (more than two only when the silhouette says so, up to
  ``max_speakers``); each segment goes to the nearest centroid, and a segment whose windows
  clearly disagree is split at word boundaries, so a speaker change that Whisper left inside one
  segment is not lost.

The result carries the separation, so a report can show how clear the decision was. Stereo
recordings with one speaker per channel do not need this (see ``channels.py``).
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

import numpy as np

from workers.speech.decoding import DecodedAudio
from workers.speech.transcription import SAMPLE_RATE, Segment, Transcript

if TYPE_CHECKING:  # torch and Resemblyzer are imported only when the encoder is loaded
    from resemblyzer import VoiceEncoder

ENCODER_NAME = "resemblyzer-ge2e"  # what the result's "models" block calls the encoder
WINDOW_S = 1.5  # segments are labelled in windows of about this length
COUNT_WINDOW_S = 3.0  # and the number of voices is decided on windows of about this length
SHORT_SEGMENT_S = 0.5  # too short for a reliable embedding: takes a neighbour's speaker
MIN_WINDOWS = 3  # fewer windows than this cannot show a second speaker
# A second voice when the two-way split of the 3 s windows has at least this silhouette. Measured
# (k-means, cosine) on single voices: jfk.flac 0.344, espeak monologues 0.236-0.309; on two
# voices: the espeak test interview 0.449-0.458 (two builds of CTranslate2 that segment it
# differently), jfk with another real speaker cut in 0.531-0.536. Tests keep a margin of 0.04 or
# more on both sides. Real far-field meetings (AMI) are much less clear-cut: see bench/speakers.
TWO_SPEAKERS_MIN = 0.40
KMEANS_SEED = 0
# Inside one segment, a run of words shorter than this is not a change of speaker, and a window
# must be this much nearer (cosine similarity) another speaker's centroid to split its segment.
# Measured on the espeak interview: windows of the wrong voice come within 0.05 of the other
# centroid ("Um, it took..."); most clean windows are 0.1-0.2 nearer their own.
MIN_RUN_S = 1.0
SPLIT_MARGIN = 0.1
# Resemblyzer's own loudness target: quiet speakers are brought up before embedding.
TARGET_DBFS = -30

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


@dataclass(frozen=True)
class _Window:
    segment: int  # index into the transcript's segments
    start: float
    end: float


_encoders: dict[str, VoiceEncoder] = {}
_encoders_lock = threading.Lock()


def resolve_speaker_device(device: str = "auto") -> str:
    """`auto` → CUDA when PyTorch sees a GPU, else CPU."""
    if device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def load_speaker_encoder(device: str = "auto") -> VoiceEncoder:
    """The Resemblyzer voice encoder (weights ship in its wheel), loaded once per device.

    Loading also runs one embedding: the first call compiles librosa's numba code (several
    seconds), which belongs to "loading weights" rather than to the first job.
    """
    resolved = resolve_speaker_device(device)
    with _encoders_lock:  # one load per device even when several threads ask at start-up
        if resolved not in _encoders:
            with warnings.catch_warnings():
                # Resemblyzer 0.1.4 imports a SciPy module path deprecated since SciPy 1.8.
                warnings.simplefilter("ignore", DeprecationWarning)
                from resemblyzer import VoiceEncoder

            encoder = VoiceEncoder(device=resolved, verbose=False)
            warm_up = np.random.default_rng(0).normal(0, 0.1, SAMPLE_RATE * 2).astype(np.float32)
            encoder.embed_utterance(warm_up)
            _encoders[resolved] = encoder
        return _encoders[resolved]


def diarize(
    audio: DecodedAudio,
    transcript: Transcript,
    *,
    encoder: VoiceEncoder | None = None,
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
    if len(windows) >= MIN_WINDOWS and max_speakers > 1:
        encoder = encoder or load_speaker_encoder()
        embedded = _embed(encoder, samples, [*windows, *count_windows])
        embeddings, count_embeddings = embedded[: len(windows)], embedded[len(windows) :]
        if len(count_windows) >= MIN_WINDOWS:
            separation = round(_silhouette(count_embeddings, _kmeans(count_embeddings, 2)), 3)
        if min_speakers > 1 or separation >= TWO_SPEAKERS_MIN:
            clusters = _cluster(embeddings, max(2, min_speakers), max_speakers)
            labels, segment_labels = _relabel(windows, embeddings, clusters)

    labelled = _label_segments(segments, windows, labels, segment_labels)
    # Name clusters by first appearance, so the first voice heard is always SPEAKER_00.
    order = list(dict.fromkeys(cluster for _, cluster in labelled))
    names = {cluster: f"SPEAKER_{i:02d}" for i, cluster in enumerate(order)}
    result = tuple(replace(segment, speaker=names[cluster]) for segment, cluster in labelled)
    method: Method = "embeddings" if len(order) > 1 else "single"
    return DiarizationResult(result, len(order), method, separation)


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


def _embed(encoder: VoiceEncoder, samples: np.ndarray, windows: Sequence[_Window]) -> np.ndarray:
    """One speaker embedding (unit length, 256 values) per window.

    Does what `VoiceEncoder.embed_utterance` does per window, but runs the partial utterances of
    all windows through the network as one batch: one LSTM call instead of one per window.
    """
    import torch
    from resemblyzer.audio import normalize_volume, wav_to_mel_spectrogram

    partials: list[np.ndarray] = []
    owners: list[int] = []
    for index, window in enumerate(windows):
        chunk = samples[int(window.start * SAMPLE_RATE) : int(window.end * SAMPLE_RATE)]
        if float(np.max(np.abs(chunk), initial=0.0)) > 0:  # silence cannot be normalised
            chunk = normalize_volume(chunk, TARGET_DBFS, increase_only=True)
        wav_slices, mel_slices = encoder.compute_partial_slices(chunk.size, 1.3, 0.75)
        if wav_slices[-1].stop >= chunk.size:
            chunk = np.pad(chunk, (0, wav_slices[-1].stop - chunk.size))
        mel = wav_to_mel_spectrogram(chunk.astype(np.float32))
        partials.extend(mel[s] for s in mel_slices)
        owners.extend([index] * len(mel_slices))
    with torch.no_grad():
        batch = torch.from_numpy(np.stack(partials)).to(encoder.device)
        partial_embeddings = encoder(batch).cpu().numpy()
    owner = np.asarray(owners)
    embeddings = np.stack(
        [partial_embeddings[owner == i].mean(axis=0) for i in range(len(windows))]
    )
    return embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True)


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
    windows: Sequence[_Window], embeddings: np.ndarray, clusters: np.ndarray
) -> tuple[np.ndarray, dict[int, int]]:
    """Final cluster per window and per segment, decided against the cluster centroids.

    A segment goes to the centroid nearest its mean embedding: all of its windows vote, so one
    ambiguous window ("Um, it took...") cannot outvote the rest. A window keeps a different
    cluster (and later splits its segment) only when it is clearly nearer that centroid.
    """
    centroids = np.stack(
        [embeddings[clusters == c].mean(axis=0) for c in range(clusters.max() + 1)]
    )
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
    similarity = embeddings @ centroids.T  # (windows, clusters)
    segment_labels: dict[int, int] = {}
    for index in dict.fromkeys(w.segment for w in windows):
        mine = [i for i, w in enumerate(windows) if w.segment == index]
        weights = np.array([windows[i].end - windows[i].start for i in mine])
        segment_labels[index] = int(np.argmax(weights @ similarity[mine]))
    labels = np.array(
        [
            nearest
            if similarity[i, nearest] - similarity[i, segment_labels[w.segment]] >= SPLIT_MARGIN
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
