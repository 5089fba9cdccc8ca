"""Synthetic two-voice interviews made with espeak-ng, with the true timing of every turn.

Real interview recordings with a speaker-by-speaker ground truth are hard to come by, so tests
script one: two clearly different espeak-ng voices take turns with pauses in between, and one
turn deliberately starts before the previous one has finished (an interruption, mixed in). The
returned `Interview` says who spoke when, so diarization and metrics can be scored against it.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from tests.workers.speech.recordings import write_wav
from workers.speech.decoding import decode_audio

SAMPLE_RATE = 16000
requires_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng is needed to synthesise interviews"
)


@dataclass(frozen=True)
class Voice:
    """espeak-ng settings: voice name (with variant), pitch 0-99 and words per minute."""

    name: str
    pitch: int
    speed: int


# A low American male voice and a high British female one: as different as espeak-ng allows.
VOICES: dict[str, Voice] = {
    "interviewer": Voice("en-us", pitch=30, speed=165),
    "candidate": Voice("en-gb+f3", pitch=75, speed=155),
}

# Five questions from the interviewer (the third interrupts an answer) and one filler ("Um").
SCRIPT: tuple[tuple[str, str], ...] = (
    (
        "interviewer",
        "Thanks for joining me today. Could you start by telling me about your current role?",
    ),
    (
        "candidate",
        "Sure. I am a backend engineer at a logistics company, and I look after the billing "
        "service and the team that runs it.",
    ),
    ("interviewer", "What was the hardest problem you solved last year?"),
    (
        "candidate",
        "We had invoices going out twice when the payment provider timed out, so I added "
        "idempotency keys to every request and wrote a replay tool for support.",
    ),
    ("interviewer", "Sorry to jump in. How did you test the replay tool?"),
    ("candidate", "We replayed a month of production traffic against a staging copy."),
    ("interviewer", "Why did you choose that approach?"),
    (
        "candidate",
        "It was the only way to be sure that nothing changed for real customers. Um, it took "
        "two weeks, but it found three bugs.",
    ),
    ("interviewer", "When would you pick a message queue over a direct call?"),
    ("candidate", "When the caller does not need the answer right away."),
    ("interviewer", "Great, thank you. That is all from me today."),
)
SCRIPT_QUESTIONS = 5
INTERRUPTING_TURN = 4  # starts OVERLAP_S before the candidate's answer ends
OVERLAP_S = 1.0


@dataclass(frozen=True)
class Turn:
    """One scripted turn and where its speech really lies in the recording (seconds)."""

    speaker: str
    text: str
    start: float
    end: float


@dataclass(frozen=True)
class Interview:
    """A synthesised recording: mono mix, optional stereo (one speaker per channel), the truth."""

    path: Path
    stereo_path: Path | None
    turns: tuple[Turn, ...]
    duration: float

    @property
    def speakers(self) -> list[str]:
        """Script speakers in order of first appearance."""
        return list(dict.fromkeys(turn.speaker for turn in self.turns))

    def talk_time(self) -> dict[str, float]:
        """Seconds each speaker talks (overlapping speech counts for both)."""
        totals = dict.fromkeys(self.speakers, 0.0)
        for turn in self.turns:
            totals[turn.speaker] += turn.end - turn.start
        return totals

    def talk_ratio(self) -> dict[str, float]:
        """Each speaker's share of the total talk time."""
        totals = self.talk_time()
        return {speaker: t / sum(totals.values()) for speaker, t in totals.items()}

    def speech_in(self, start: float, end: float) -> dict[str, float]:
        """Seconds of each speaker's speech inside [start, end]."""
        overlap = dict.fromkeys(self.speakers, 0.0)
        for turn in self.turns:
            overlap[turn.speaker] += max(0.0, min(end, turn.end) - max(start, turn.start))
        return overlap


def synthesise(text: str, voice: Voice, directory: Path) -> np.ndarray:
    """`text` spoken by `voice`, as 16 kHz float32 samples with espeak's edge silence cut off."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{hashlib.sha1(repr((text, voice)).encode()).hexdigest()[:16]}.wav"
    settings = ["-v", voice.name, "-p", str(voice.pitch), "-s", str(voice.speed)]
    subprocess.run(
        ["espeak-ng", *settings, "-w", str(path), text],
        check=True,
        capture_output=True,
    )
    samples = decode_audio(path).samples[0]  # 22.05 kHz → 16 kHz via PyAV
    voiced = np.flatnonzero(np.abs(samples) > 0.01)
    samples = samples[voiced[0] : voiced[-1] + 1]
    # The same peak for both voices, low enough that the overlap does not clip when mixed.
    return (samples * (0.45 / float(np.max(np.abs(samples))))).astype(np.float32)


def synthesise_interview(
    directory: Path,
    script: Sequence[tuple[str, str]] = SCRIPT,
    *,
    voices: dict[str, Voice] | None = None,
    pause_s: float = 0.8,
    interrupting_turn: int | None = INTERRUPTING_TURN,
    overlap_s: float = OVERLAP_S,
    stereo: bool = False,
    name: str = "interview",
) -> Interview:
    """Speak `script` ([(speaker, text)]) turn by turn and write `directory/<name>.wav` (mono).

    Turns are `pause_s` apart, except `interrupting_turn`, which starts `overlap_s` before the
    previous turn ends (both voices are mixed there). `stereo=True` also writes
    `<name>_stereo.wav` with the first speaker on the left channel, the second on the right.
    """
    voices = voices or VOICES
    speech = [synthesise(text, voices[speaker], directory / "voices") for speaker, text in script]
    turns: list[Turn] = []
    cursor = 0.5  # leading silence, as any recording has
    for index, ((speaker, text), samples) in enumerate(zip(script, speech, strict=True)):
        if index == interrupting_turn and turns:
            start = turns[-1].end - overlap_s
        else:
            start = max(
                cursor, max((t.end for t in turns), default=0.0) + (pause_s if turns else 0)
            )
        turns.append(
            Turn(speaker, text, round(start, 3), round(start + samples.size / SAMPLE_RATE, 3))
        )
        cursor = turns[-1].end + pause_s
    total = int((max(t.end for t in turns) + 0.5) * SAMPLE_RATE)

    speakers = list(dict.fromkeys(speaker for speaker, _ in script))
    tracks = np.zeros((len(speakers), total), np.float32)
    for turn, samples in zip(turns, speech, strict=True):
        offset = round(turn.start * SAMPLE_RATE)
        tracks[speakers.index(turn.speaker), offset : offset + samples.size] += samples
    path = write_wav(directory / f"{name}.wav", tracks.sum(axis=0))
    stereo_path = None
    if stereo:
        stereo_path = write_wav(directory / f"{name}_stereo.wav", tracks[:2])
    return Interview(path, stereo_path, tuple(turns), total / SAMPLE_RATE)


def synthesise_monologue(directory: Path, text: str, voice: Voice, *, name: str) -> Path:
    """One voice saying `text`, as a mono 16 kHz WAV."""
    samples = synthesise(text, voice, directory / "voices")
    silence = np.zeros(SAMPLE_RATE // 2, np.float32)
    return write_wav(directory / f"{name}.wav", np.concatenate([silence, samples, silence]))


def with_lsb_noise(clean: Path, seed: int, directory: Path) -> Path:
    """A copy of the 16-bit WAV ``clean`` with every sample moved by -1, 0 or +1 at random
    (``seed``): noise no one can hear, written to ``directory``."""
    with wave.open(str(clean), "rb") as source:
        params = source.getparams()
        samples = np.frombuffer(source.readframes(params.nframes), dtype="<i2").astype(np.int32)
    noise = np.random.default_rng(seed).integers(-1, 2, size=samples.size)
    noisy = np.clip(samples + noise, -32768, 32767).astype("<i2")
    assert np.abs(noisy.astype(np.int32) - samples).max() == 1
    path = directory / f"noisy_{seed}.wav"
    with wave.open(str(path), "wb") as out:
        out.setparams(params)
        out.writeframes(noisy.tobytes())
    return path
