"""Recordings for the interview API tests: the shared real ones, conversions and damaged copies
of them made with PyAV, and files that are not audio at all."""

from __future__ import annotations

import math
import struct
import wave
import zlib
from pathlib import Path

import av
import pytest

# /work/main/tests/api/interviews/recordings.py → /work/shared/data/audio (a sibling of the repo).
AUDIO_DIR = (Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "audio").resolve()
requires_recordings = pytest.mark.skipif(
    not AUDIO_DIR.is_dir(),
    reason=f"shared speech recordings not found at {AUDIO_DIR} (expected ../shared/data/audio)",
)
JFK = AUDIO_DIR / "jfk.flac"  # 11 s of speech
STEREO = AUDIO_DIR / "stereo_diarization.wav"  # 5 s, 16-bit PCM

# suffix → (muxer, encoder, sample rate or None to keep the source's)
CONVERSIONS: dict[str, tuple[str, str, int | None]] = {
    "mp3": ("mp3", "libmp3lame", None),
    "aac": ("adts", "aac", None),  # raw ADTS, as phone recorders and exporters write .aac
    "m4a": ("ipod", "aac", None),
    "ogg": ("ogg", "libopus", 48000),
    "webm": ("webm", "libopus", 48000),  # what Chrome's MediaRecorder produces
    "wav": ("wav", "pcm_s16le", None),
}


def convert(src: Path, dst: Path) -> Path:
    """Re-encode ``src`` into the container named by ``dst``'s suffix."""
    muxer, encoder, rate = CONVERSIONS[dst.suffix.lstrip(".")]
    with av.open(str(src)) as inp, av.open(str(dst), "w", format=muxer) as out:
        source = inp.streams.audio[0]
        stream = out.add_stream(encoder, rate=rate or source.rate)
        for frame in inp.decode(source):
            frame.pts = None
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return dst


def video_only_webm(dst: Path) -> Path:
    """A short WebM with a VP8 video track and no audio at all."""
    import numpy as np

    with av.open(str(dst), "w", format="webm") as out:
        stream = out.add_stream("libvpx", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for i in range(10):
            image = np.full((48, 64, 3), i * 20, dtype=np.uint8)
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return dst


def tone_wav(dst: Path, seconds: float, rate: int = 8000) -> Path:
    """A mono 16-bit WAV of a quiet 440 Hz tone lasting ``seconds``."""
    frames = bytearray()
    for i in range(int(seconds * rate)):
        frames += struct.pack("<h", int(3000 * math.sin(2 * math.pi * 440 * i / rate)))
    with wave.open(str(dst), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(frames))
    return dst


def speech_wav(dst: Path, seconds: float, rate: int = 16000) -> Path:
    """A mono 16-bit WAV of the JFK speech repeated to last ``seconds``: a long real recording
    that the upload's speech check accepts."""
    import numpy as np

    from backend.services.interviews.audio import decode_audio

    speech = decode_audio(JFK, sample_rate=rate).samples[0]
    samples = np.resize(speech, int(seconds * rate))
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(dst), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return dst


def first_half(data: bytes) -> bytes:
    """An upload cut off half way."""
    return data[: len(data) // 2]


def flipped_header(data: bytes, start: int = 12, length: int = 2000) -> bytes:
    """The same file with every bit of its header and first frames flipped, the magic bytes
    (the first 12) kept so it still looks like its container."""
    damaged = bytearray(data)
    for i in range(start, min(start + length, len(damaged))):
        damaged[i] ^= 0xFF
    return bytes(damaged)


def png_bytes() -> bytes:
    """A valid 1×1 PNG image."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )
