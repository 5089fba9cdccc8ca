"""Decode uploaded recordings into float32 sample arrays: the workers' name for the one decoder
they share with the upload probe (``backend.services.interviews.audio``), so a recording the
API accepted is a recording the workers can decode (``.aac`` included), by the same rules.

Anything that cannot be decoded fails fast with an ``AudioDecodeError`` whose ``reason`` can be
shown to the user.
"""

from __future__ import annotations

from backend.services.interviews.audio import (
    AudioDecodeError,
    AudioSource,
    DecodedAudio,
    decode_audio,
    duration_seconds,
    sniff_container,
)

__all__ = [
    "AudioDecodeError",
    "AudioSource",
    "DecodedAudio",
    "decode_audio",
    "duration_seconds",
    "sniff_container",
]
