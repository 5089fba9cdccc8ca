"""Where someone is speaking in a recording, from the voice activity detector that faster-whisper
ships (Silero VAD, ONNX, in the wheel: nothing is downloaded).

The transcript's segments are a poor map of speech for diarization: Whisper leaves out
backchannels ("mm-hm", "yeah") and short answers, and its segments run on through pauses, so on
real telephone calls they miss 11-26 % of the speech and cover 2-27 % of silence
(``bench/speakers``). The detector's regions miss 1-15 % and add 1-9 %. Its settings here are
generic ones (pauses of 300 ms end a region, 100 ms of padding), not fitted to any recording.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workers.speech.transcription import SAMPLE_RATE

MIN_SILENCE_MS = 300  # a pause at least this long ends a region
SPEECH_PAD_MS = 100  # kept on each side of a region


@dataclass(frozen=True)
class SpeechRegion:
    start: float  # seconds
    end: float


def speech_regions(samples: np.ndarray) -> list[SpeechRegion]:
    """The stretches of `samples` (16 kHz mono float32) that hold speech, in time order."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(min_silence_duration_ms=MIN_SILENCE_MS, speech_pad_ms=SPEECH_PAD_MS)
    found = get_speech_timestamps(np.asarray(samples, dtype=np.float32), options, SAMPLE_RATE)
    return [SpeechRegion(t["start"] / SAMPLE_RATE, t["end"] / SAMPLE_RATE) for t in found]
