"""Is there anyone talking? A cheap check on the decoded upload, before anything is charged.

Speech rises and falls with its syllables (a few times a second) and stops between phrases, so
in the speech band (300–3400 Hz) its 32 ms frames keep climbing well above the quietest frames
around them. Silence never rises above the digital floor, and steady noise (hiss, hum, a tone,
a fan, of any level or colour) stays within a few dB of itself. A frame is *active* when its
band level is at least ``RISE_DB`` over the quietest frame within ``FLOOR_WINDOW_S`` around it
and above ``ABSOLUTE_FLOOR_DBFS``; a recording holds speech when at least ``MIN_ACTIVE_S``, and
``MIN_ACTIVE_SHARE`` of it, is active (stationary noise has the odd chance peak, so over hours
a fixed number of seconds would be reached by noise alone).

The rule errs towards accepting. Measured (``tests/api/interviews/test_speech_activity.py``):
real speech is 40–90 % active (jfk.flac 65 %, the same 45 dB quieter 42 %, under white noise of
equal power 15 %), while silence, ±1 LSB dither, white, pink and brown noise at any level, a
tone and mains hum are 0 % active over 20 s to 10 min. Only recordings without varying sound
are refused; what the rule lets through (music, babble) is judged later by the recogniser, which
fails the job as ``no_speech``: the customer's fault, not refunded (``failures``).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

SAMPLE_RATE = 8000  # the speech band fits below its 4 kHz Nyquist; half the work of 16 kHz
FRAME = 256  # 32 ms
BAND_HZ = (300.0, 3400.0)
RISE_DB = 8.0
FLOOR_WINDOW_S = 1.5
ABSOLUTE_FLOOR_DBFS = -65.0
MIN_ACTIVE_S = 1.0
MIN_ACTIVE_SHARE = 0.02  # of the recording: chance peaks of long noise stay far below
_SILENT_DB = -120.0  # the level given to digital silence (log of 0)


class SpeechActivity(BaseModel):
    """The verdict on one recording, with the figures behind it."""

    model_config = ConfigDict(frozen=True)

    verdict: Literal["speech", "silent", "noise"]
    active_s: float  # seconds of frames that rise above their surroundings like speech
    loud_dbfs: float  # 95th percentile of the frames' speech-band level
    floor_dbfs: float  # 10th percentile

    @property
    def has_speech(self) -> bool:
        return self.verdict == "speech"

    def reason(self) -> str:
        """What a person is told when the recording is refused."""
        if self.verdict == "silent":
            return (
                "The recording is silent: nothing in it rises above "
                f"{ABSOLUTE_FLOOR_DBFS:.0f} dBFS. Check the microphone and record again."
            )
        return (
            "No speech was found in the recording: it holds only steady noise "
            f"(about {self.loud_dbfs:.0f} dBFS) with no voice rising above it. Check that the "
            "right file or microphone was used."
        )


class LevelMeter:
    """Takes mono samples at ``SAMPLE_RATE`` in chunks of any size and keeps one level per
    frame (4 bytes per 32 ms, so a four-hour call needs under 2 MB)."""

    def __init__(self) -> None:
        self._pending = np.zeros(0, np.float32)
        self._levels: list[np.ndarray] = []
        window = np.hanning(FRAME).astype(np.float32)
        freqs = np.fft.rfftfreq(FRAME, 1.0 / SAMPLE_RATE)
        self._window = window
        self._band = (freqs >= BAND_HZ[0]) & (freqs <= BAND_HZ[1])
        # A full-scale sine in the band reads 0 dBFS.
        self._reference = float((window.sum() / 2) ** 2)

    def feed(self, samples: np.ndarray) -> None:
        """Add the next mono samples (float32 in [-1, 1])."""
        data = np.concatenate([self._pending, np.asarray(samples, np.float32).ravel()])
        whole = data.size // FRAME * FRAME
        self._pending = data[whole:]
        if whole:
            self._levels.append(self._frame_levels(data[:whole].reshape(-1, FRAME)))

    def _frame_levels(self, frames: np.ndarray) -> np.ndarray:
        spectrum = np.abs(np.fft.rfft(frames * self._window, axis=1)) ** 2
        power = spectrum[:, self._band].sum(axis=1) / self._reference
        with np.errstate(divide="ignore"):
            levels = 10.0 * np.log10(power)
        return np.maximum(levels, _SILENT_DB).astype(np.float32)

    def result(self) -> SpeechActivity:
        """The verdict on everything fed so far."""
        levels = np.concatenate(self._levels) if self._levels else np.zeros(0, np.float32)
        return judge(levels)


def judge(levels: np.ndarray) -> SpeechActivity:
    """The verdict on a recording's per-frame speech-band levels (dBFS, one per ``FRAME``)."""
    frame_s = FRAME / SAMPLE_RATE
    if levels.size == 0:
        return SpeechActivity(verdict="silent", active_s=0.0, loud_dbfs=_SILENT_DB, floor_dbfs=0)
    loud = float(np.percentile(levels, 95))
    floor = float(np.percentile(levels, 10))
    active = (levels >= _local_floor(levels) + RISE_DB) & (levels > ABSOLUTE_FLOOR_DBFS)
    active_s = float(active.sum()) * frame_s
    if active_s >= MIN_ACTIVE_S and active_s >= MIN_ACTIVE_SHARE * levels.size * frame_s:
        verdict = "speech"
    elif loud <= ABSOLUTE_FLOOR_DBFS:
        verdict = "silent"
    else:
        verdict = "noise"
    return SpeechActivity(
        verdict=verdict,
        active_s=round(active_s, 2),
        loud_dbfs=round(loud, 1),
        floor_dbfs=round(floor, 1),
    )


def _local_floor(levels: np.ndarray) -> np.ndarray:
    """Each frame's quietest neighbour within ``FLOOR_WINDOW_S`` (blocks of a third of the
    window: the minimum of a frame's own block and the two beside it)."""
    block = max(1, round(FLOOR_WINDOW_S / 3 * SAMPLE_RATE / FRAME))
    count = -(-levels.size // block)
    padded = np.full(count * block, np.inf, np.float32)
    padded[: levels.size] = levels
    minima = padded.reshape(count, block).min(axis=1)
    around = np.minimum(minima, np.minimum(np.roll(minima, 1), np.roll(minima, -1)))
    if count > 1:  # no wrap-around at the ends
        around[0] = min(minima[0], minima[1])
        around[-1] = min(minima[-1], minima[-2])
    else:
        around = minima
    return np.repeat(around, block)[: levels.size]
