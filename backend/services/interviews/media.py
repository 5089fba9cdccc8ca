"""Probing an uploaded recording in the web process, before anything is charged.

The probe answers two questions cheaply: is this an audio file we can process, and how long is
it (credits are per started minute of the *measured* duration, not the client's claim)? It sniffs
the container from its magic bytes, then opens it with PyAV (FFmpeg's demuxers, no torch and no
worker code), demuxes every packet (cheap: no decoding) to measure the real timeline and decodes
the first seconds to prove the codec data is sound. A file that cannot pass is refused with a
clear code; the workers still decode everything and fail the job with a reason if a later part
of the file turns out to be damaged.
"""

from __future__ import annotations

import logging
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from backend.services.errors import DomainError

if TYPE_CHECKING:
    from av.audio.stream import AudioStream
    from av.container import InputContainer

log = logging.getLogger(__name__)

# How much audio is decoded to prove the codec data is sound; the rest is only demuxed.
DECODE_CHECK_S = 30.0
# Header and timeline may disagree by this much before a file counts as cut short (the last
# frame's padding, encoder delay).
_TRUNCATION_SLACK_S = 1.0
_TRUNCATION_SLACK_RATIO = 0.02
# Containers whose header states the duration authoritatively (sample count, index), so a
# timeline shorter than the header means bytes are missing. MP3 and Ogg estimate or read it
# from the last page, so their header can't reveal a cut.
_HEADER_IS_AUTHORITATIVE = frozenset({"flac", "mp4", "webm"})


class MediaRefused(DomainError):
    """The upload is not a usable audio recording (422: the request was understood, the file
    is unprocessable). ``code``: empty_file, unsupported_media_type, corrupt_media,
    no_audio_stream."""

    status_code = 422
    code = "corrupt_media"


@dataclass(frozen=True)
class MediaProbe:
    """What the probe learned about a recording."""

    container: str  # mp3 | aac | mp4 | wav | flac | ogg | webm
    codec: str  # FFmpeg's codec name, e.g. "flac", "mp3", "opus"
    duration_s: float | None  # the measured timeline; None when the file carries no timing
    sample_rate: int | None
    channels: int | None


def sniff_container(head: bytes) -> str | None:
    """The container named by a file's first bytes (at least 12), or None when unknown."""
    if head.startswith(b"ID3"):
        return "mp3"
    if head.startswith(b"fLaC"):
        return "flac"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"  # EBML: WebM or Matroska
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[4:8] == b"ftyp":
        return "mp4"  # MP4 / M4A / MOV family
    if len(head) >= 2 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0:
        # MPEG audio frame sync: layer bits 00 is ADTS AAC, anything else MPEG layer I-III.
        return "aac" if (head[1] & 0x06) == 0 else "mp3"
    return None


def _wav_is_cut(path: Path, head: bytes) -> bool:
    """A WAV whose RIFF header promises more bytes than the file holds. FFmpeg quietly plays
    the shorter file, so this is the only way to tell a cut upload. Streaming writers put 0 or
    0xFFFFFFFF when they did not know the size: those are not judged."""
    (declared,) = struct.unpack("<I", head[4:8])
    if declared in (0, 0xFFFFFFFF):
        return False
    return path.stat().st_size < declared + 8


def _refuse_corrupt(detail: str) -> MediaRefused:
    return MediaRefused(
        f"The recording could not be read: {detail}. Check that the file is complete and "
        "re-export it if needed.",
        code="corrupt_media",
    )


def probe_file(path: Path) -> MediaProbe:
    """Probe the recording at ``path``; raise ``MediaRefused`` when it is empty, not a known
    audio container, damaged or cut short, or has no audio stream."""
    import av  # PyAV: FFmpeg bindings, kept out of module import so startup stays light

    size = path.stat().st_size
    if size == 0:
        raise MediaRefused("The file is empty.", code="empty_file")
    with path.open("rb") as fh:
        head = fh.read(64)
    container = sniff_container(head)
    if container is None:
        raise MediaRefused(
            "The file is not an audio recording we can read. Send MP3, M4A/MP4, WAV, FLAC, "
            "Ogg or WebM audio.",
            code="unsupported_media_type",
        )
    if container == "wav" and _wav_is_cut(path, head):
        raise _refuse_corrupt("the WAV file is shorter than its header says (truncated)")

    try:
        with av.open(str(path), mode="r") as media:
            audio = next((s for s in media.streams if s.type == "audio"), None)
            if audio is None:
                raise MediaRefused(
                    "The file has no audio stream.",
                    code="no_audio_stream",
                )
            codec = audio.codec_context.name
            sample_rate = audio.codec_context.sample_rate or None
            channels = audio.codec_context.channels or None
            header_s = _header_duration(media, audio)
            timeline_s, decoded, bad = _walk_packets(media, audio)
    except MediaRefused:
        raise
    except (av.FFmpegError, OSError, ValueError, EOFError) as exc:
        log.info("probe of %s failed: %s", path.name, exc)
        raise _refuse_corrupt("the container or codec data is damaged") from None

    if decoded == 0:
        raise _refuse_corrupt("no audio could be decoded")
    if bad > decoded:
        raise _refuse_corrupt("most of the audio data is damaged")
    if (
        container in _HEADER_IS_AUTHORITATIVE
        and header_s is not None
        and timeline_s is not None
        and timeline_s < header_s - max(_TRUNCATION_SLACK_S, header_s * _TRUNCATION_SLACK_RATIO)
    ):
        raise _refuse_corrupt(
            f"it holds {timeline_s:.1f} s of the {header_s:.1f} s its header announces (truncated)"
        )
    duration = timeline_s if timeline_s else header_s
    return MediaProbe(
        container=container,
        codec=codec,
        duration_s=round(duration, 3) if duration else None,
        sample_rate=sample_rate,
        channels=channels,
    )


def _header_duration(media: InputContainer, audio: AudioStream) -> float | None:
    """The duration the container announces, in seconds, or None."""
    if audio.duration and audio.time_base:
        return float(audio.duration * audio.time_base)
    if media.duration:
        return media.duration / 1_000_000  # AV_TIME_BASE
    return None


def _walk_packets(media: InputContainer, audio: AudioStream) -> tuple[float | None, int, int]:
    """Demux every audio packet: the timeline's length in seconds (None without timestamps),
    and of the packets in the first ``DECODE_CHECK_S`` seconds, how many decoded into frames
    and how many failed."""
    import av

    first: float | None = None
    end: float | None = None
    decoded = bad = 0
    for packet in media.demux(audio):
        if packet.size == 0:  # the flush packet at the end
            continue
        if packet.pts is not None and packet.time_base is not None:
            start = float(packet.pts * packet.time_base)
            stop = float((packet.pts + (packet.duration or 0)) * packet.time_base)
            first = start if first is None else min(first, start)
            end = stop if end is None else max(end, stop)
        if first is None or end is None or end - first <= DECODE_CHECK_S:
            try:
                decoded += len(packet.decode())
            except (av.FFmpegError, ValueError):
                bad += 1
    if decoded == 0:
        try:  # a decoder with delay (AAC, Opus) may hold its first frames until flushed
            decoded += len(audio.codec_context.decode(None))
        except (av.FFmpegError, ValueError):
            bad += 1
    if first is None or end is None:
        return None, decoded, bad
    return max(end - first, 0.0), decoded, bad
