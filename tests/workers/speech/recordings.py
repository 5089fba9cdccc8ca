"""Test recordings: the shared real ones, and conversions of them made here with PyAV (the FFmpeg
bundled with faster-whisper), so no system ffmpeg is needed."""

from __future__ import annotations

import re
import wave
from pathlib import Path

import av
import jiwer
import numpy as np
import pytest

from workers.speech.decoding import decode_audio

# /work/main/tests/workers/speech/recordings.py → /work/shared/data/audio (a sibling of the repo).
AUDIO_DIR = (Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "audio").resolve()
requires_recordings = pytest.mark.skipif(
    not AUDIO_DIR.is_dir(),
    reason=f"shared speech recordings not found at {AUDIO_DIR} (expected ../shared/data/audio)",
)

JFK = AUDIO_DIR / "jfk.flac"
JFK_TEXT = (
    "And so my fellow Americans, ask not what your country can do for you, "
    "ask what you can do for your country."
)
STEREO = AUDIO_DIR / "stereo_diarization.wav"
STEREO_LEFT_TEXT = (
    "He began a confused complaint against the wizard, who had vanished behind the curtain on "
    "the left."
)
STEREO_RIGHT_TEXT = "The horizon seems extremely distant."

# suffix → (encoder, also add a video track)
CONVERSIONS: dict[str, tuple[str, bool]] = {
    "mp3": ("libmp3lame", False),
    "m4a": ("aac", False),
    "webm": ("libopus", False),  # what Chrome's MediaRecorder produces
    "ogg": ("libopus", False),  # what Firefox's MediaRecorder produces
    "wav": ("pcm_s16le", False),
    "mp4": ("aac", True),  # a video call recording
}


def normalise(text: str) -> str:
    """Lower-case, punctuation stripped, single spaces: how WER is compared."""
    return " ".join(re.sub(r"[^\w\s']", " ", text.lower()).split())


def word_error_rate(reference: str, hypothesis: str) -> float:
    """WER after normalising both sides."""
    return jiwer.wer(normalise(reference), normalise(hypothesis))


def write_wav(path: Path, samples: np.ndarray, sample_rate: int = 16000) -> Path:
    """Write float samples (channels, frames) or (frames,) as 16-bit PCM with the stdlib."""
    samples = np.atleast_2d(samples)
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2").T.copy()  # interleave channels
    with wave.open(str(path), "wb") as out:
        out.setnchannels(samples.shape[0])
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes(pcm.tobytes())
    return path


def convert(
    source: Path, path: Path, *, codec: str | None, video: bool = False, live: bool = False
) -> Path:
    """Re-encode `source` as mono 48 kHz audio with `codec` (None: video only) into `path`.

    `live` writes WebM as a browser's MediaRecorder does: no duration in the header.
    """
    samples = decode_audio(source, sample_rate=48000).samples
    with av.open(str(path), "w", options={"live": "1"} if live else None) as out:
        video_stream = None
        if video:
            video_stream = out.add_stream("mpeg4", rate=10)
            video_stream.width = video_stream.height = 64
            video_stream.pix_fmt = "yuv420p"
        audio_stream = out.add_stream(codec, rate=48000, layout="mono") if codec else None
        if video_stream is not None:
            black = np.zeros((64, 64, 3), np.uint8)
            for index in range(int(samples.shape[1] / 48000 * 10)):
                frame = av.VideoFrame.from_ndarray(black, format="rgb24")
                frame.pts = index
                for packet in video_stream.encode(frame):
                    out.mux(packet)
            for packet in video_stream.encode(None):
                out.mux(packet)
        if audio_stream is not None:
            frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
            frame.rate, frame.pts = 48000, 0
            for packet in audio_stream.encode(frame):
                out.mux(packet)
            for packet in audio_stream.encode(None):
                out.mux(packet)
    return path
