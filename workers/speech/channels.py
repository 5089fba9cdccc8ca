"""Speaker attribution for stereo recordings: one speaker per channel.

Call recorders and many interview tools put each side of the conversation on its own channel, so
transcribing the channels separately gives speaker labels without any diarization model.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from typing import Any, Literal

import numpy as np

from workers.speech.decoding import DecodedAudio
from workers.speech.transcription import (
    SAMPLE_RATE,
    Segment,
    SpeechModel,
    Transcript,
    normalise_text,
    transcribe,
    with_speaker,
)

CHANNEL_SPEAKERS = ("SPEAKER_00", "SPEAKER_01")  # left, right
# A channel quieter than this (RMS, dB full scale) carries no speech worth transcribing.
SILENT_CHANNEL_DBFS = -50.0
# Channels this correlated are one signal copied twice (mono saved as stereo).
IDENTICAL_CORRELATION = 0.98
# The same words heard on both channels at the same time are leakage from one microphone into
# the other; the louder channel is where they were said.
DUPLICATE_TEXT_SIMILARITY = 0.6
DUPLICATE_TIME_OVERLAP = 0.5


@dataclass(frozen=True)
class ChannelTranscript:
    """A transcript plus how speakers were decided.

    `mode == "stereo"`: segments carry `SPEAKER_00` (left) / `SPEAKER_01` (right).
    `mode == "mono"`: one effective channel; `speaker` is None and diarization must decide.
    """

    transcript: Transcript
    mode: Literal["stereo", "mono"]


def _rms_dbfs(samples: np.ndarray) -> float:
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))) if samples.size else 0.0
    return 20 * np.log10(rms) if rms > 0 else -np.inf


def _same_signal(left: np.ndarray, right: np.ndarray) -> bool:
    if np.array_equal(left, right):
        return True
    if left.std() == 0 or right.std() == 0:
        return False
    return float(np.corrcoef(left, right)[0, 1]) >= IDENTICAL_CORRELATION


def active_channels(audio: DecodedAudio) -> list[int]:
    """Indexes of the first two channels worth transcribing (a copy of the other is skipped)."""
    active = [
        i
        for i in range(min(audio.channels, 2))
        if _rms_dbfs(audio.samples[i]) > SILENT_CHANNEL_DBFS
    ]
    if len(active) == 2 and _same_signal(audio.samples[0], audio.samples[1]):
        return [0]
    return active


def transcribe_channels(
    model: SpeechModel,
    audio: DecodedAudio,
    **transcribe_options: Any,
) -> ChannelTranscript:
    """Transcribe a recording decoded with `channels="keep"`, attributing speakers by channel.

    Two distinct, non-silent channels: each is transcribed on its own (both at once), labelled
    SPEAKER_00 (left) or SPEAKER_01 (right) and merged in time order. Anything else (mono, mono
    copied into both channels, one silent channel) is transcribed as mono with no speaker labels.
    `transcribe_options` are passed to `transcribe`.
    """
    active = active_channels(audio)
    if len(active) < 2:
        samples = audio.samples[active[0]] if active else audio.mono()
        return ChannelTranscript(transcribe(model, samples, **transcribe_options), "mono")

    # The channels are transcribed at the same time: the model's own work is queued (one
    # CTranslate2 worker), but each call's voice detection, features and alignment in Python
    # overlap the other channel's decoding instead of waiting for it.
    with ThreadPoolExecutor(max_workers=len(active), thread_name_prefix="channel") as pool:
        transcripts = list(
            pool.map(lambda i: transcribe(model, audio.samples[i], **transcribe_options), active)
        )
    per_channel = [
        with_speaker(transcript, CHANNEL_SPEAKERS[i])
        for i, transcript in zip(active, transcripts, strict=True)
    ]
    segments = _drop_leakage(
        [s for t in per_channel for s in t.segments], audio.samples[0], audio.samples[1]
    )
    segments.sort(key=lambda s: (s.start, s.end))
    merged = replace(per_channel[0], segments=tuple(segments))
    return ChannelTranscript(merged, "stereo")


def _drop_leakage(segments: list[Segment], left: np.ndarray, right: np.ndarray) -> list[Segment]:
    """Drop a segment heard on both channels from the channel where it is quieter."""
    by_speaker = {CHANNEL_SPEAKERS[0]: left, CHANNEL_SPEAKERS[1]: right}

    def level(segment: Segment, speaker: str) -> float:
        start, end = int(segment.start * SAMPLE_RATE), int(segment.end * SAMPLE_RATE)
        return _rms_dbfs(by_speaker[speaker][start:end])

    dropped: set[int] = set()
    for i, a in enumerate(segments):
        for j in range(i + 1, len(segments)):
            b = segments[j]
            if a.speaker == b.speaker or i in dropped or j in dropped:
                continue
            overlap = min(a.end, b.end) - max(a.start, b.start)
            shorter = min(a.end - a.start, b.end - b.start)
            if shorter <= 0 or overlap / shorter < DUPLICATE_TIME_OVERLAP:
                continue
            similarity = SequenceMatcher(
                None, normalise_text(a.text), normalise_text(b.text)
            ).ratio()
            if similarity < DUPLICATE_TEXT_SIMILARITY:
                continue
            # Compare both channels over the same span: the speaker's own microphone is louder.
            louder_on_b = level(a, b.speaker or "") > level(a, a.speaker or "")
            dropped.add(i if louder_on_b else j)
    return [s for k, s in enumerate(segments) if k not in dropped]
