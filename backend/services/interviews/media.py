"""Probing an uploaded recording in the web process, before anything is charged.

The probe decodes the WHOLE file with the decoder the workers use (``audio``), so a file it
accepts is one the workers can read: a truncated or damaged file, an unsupported codec or a file
without audio is refused here with a clear code instead of being charged and failing later. On
the way it measures the real length (credits are per started minute of the *measured* duration,
not the client's claim) and the speech-band levels that tell speech from silence and steady
noise (``speech_activity``). Samples are streamed, never held: a four-hour call needs a few MB.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from backend.services.errors import DomainError
from backend.services.interviews.speech_activity import SAMPLE_RATE, SpeechActivity

log = logging.getLogger(__name__)


class MediaRefused(DomainError):
    """The upload is not a usable audio recording (422: the request was understood, the file
    is unprocessable). ``code``: empty_file, unsupported_media_type, corrupt_media,
    no_audio_stream, no_speech."""

    status_code = 422
    code = "corrupt_media"


class MediaProbe(BaseModel):
    """What the probe learned about a recording."""

    model_config = ConfigDict(frozen=True)

    container: str  # mp3 | aac | mp4 | wav | flac | ogg | webm
    codec: str  # FFmpeg's codec name, e.g. "flac", "mp3float", "opus"
    duration_s: float | None  # the decoded length; None only when nothing could be timed
    sample_rate: int | None
    channels: int | None
    speech: SpeechActivity


def sniff_container(head: bytes) -> str | None:
    """The container named by a file's first bytes (at least 12), or None when unknown (the
    decoder's own check, imported on use so that PyAV loads only when a file is probed)."""
    from backend.services.interviews.audio import sniff_container as sniff

    return sniff(head)


def _refusal(code: str, reason: str) -> MediaRefused:
    if code == "unsupported_media_type":
        return MediaRefused(
            "The file is not an audio recording we can read. Send MP3, AAC, M4A/MP4, WAV, "
            "FLAC, Ogg or WebM audio.",
            code=code,
        )
    if code == "empty_file":
        return MediaRefused("The file is empty.", code=code)
    if code == "no_audio_stream":
        return MediaRefused("The file has no audio stream.", code=code)
    return MediaRefused(
        f"The recording could not be read: {reason}. Check that the file is complete and "
        "re-export it if needed.",
        code="corrupt_media",
    )


def probe_file(path: Path, *, stop_after_s: float | None = None) -> MediaProbe:
    """Decode the recording at ``path`` from end to end; raise ``MediaRefused`` when it is
    empty, not a supported audio format, damaged or cut short, or has no audio stream. Whether
    it holds speech is reported (``speech``), not judged: the caller decides.

    ``stop_after_s``: stop decoding once this much audio has been read (a recording over the
    caller's length limit is refused anyway; a low bit rate packs days into the size cap); the
    probe then reports the length read so far."""
    # PyAV and NumPy are imported on first use so the web process starts light.
    from backend.services.interviews.audio import AudioDecodeError, open_audio
    from backend.services.interviews.speech_activity import LevelMeter

    meter = LevelMeter()
    try:
        with open_audio(path) as reader:
            for chunk in reader.chunks(sample_rate=SAMPLE_RATE, channels="mono"):
                meter.feed(chunk[0])
                if stop_after_s is not None and reader.decoded_s > stop_after_s:
                    break
            info, decoded_s = reader.info, reader.decoded_s
    except AudioDecodeError as error:
        log.info("probe of %s refused: %s", path.name, error.reason)
        raise _refusal(error.code, error.reason) from None
    except OSError as error:
        log.info("probe of %s failed: %s", path.name, error)
        raise _refusal("corrupt_media", "the file could not be read") from None
    return MediaProbe(
        container=info.container,
        codec=info.codec,
        duration_s=round(decoded_s, 3) if decoded_s > 0 else None,
        sample_rate=info.sample_rate,
        channels=info.channels,
        speech=meter.result(),
    )
