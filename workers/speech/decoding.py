"""Decode uploaded recordings into float32 sample arrays with PyAV (bundled FFmpeg).

Only the containers a browser or a recruiter realistically uploads are accepted; anything else
fails fast with an `AudioDecodeError` whose `reason` can be shown to the user.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

import av
import av.error
import numpy as np

AudioSource = str | Path | bytes | bytearray | BinaryIO

# Demuxer names FFmpeg knows these containers by. We pick the demuxer ourselves from the magic
# bytes instead of letting FFmpeg probe: probing would also accept playlists (HLS can open other
# files or URLs), images, subtitles and hundreds of rarely fuzzed formats.
_DEMUXERS: dict[str, str] = {
    "wav": "wav",
    "flac": "flac",
    "ogg": "ogg",
    "webm": "matroska",
    "mp4": "mov",
    "mp3": "mp3",
}
# Decoded audio shorter than this share of the declared length means the upload was cut off.
_TRUNCATION_TOLERANCE = 0.9
_TRUNCATION_MIN_MISSING_S = 0.5


class AudioDecodeError(ValueError):
    """The input cannot be turned into audio; `reason` is a short, user-facing explanation."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class DecodedAudio:
    """Decoded samples, one float32 row per output channel, in [-1, 1]."""

    samples: np.ndarray  # shape (channels, frames), float32
    sample_rate: int
    source_channels: int  # channel count of the original audio stream
    container: str  # one of the keys of _DEMUXERS

    @property
    def channels(self) -> int:
        """Number of channels in `samples`."""
        return int(self.samples.shape[0])

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return self.samples.shape[1] / self.sample_rate

    def mono(self) -> np.ndarray:
        """A single mono signal: the only channel, or the mean of all channels."""
        if self.channels == 1:
            return self.samples[0]
        return self.samples.mean(axis=0, dtype=np.float32)


def sniff_container(head: bytes) -> str | None:
    """Name the container from its first bytes (at least 12), or None when it is not supported."""
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:4] == b"fLaC":
        return "flac"
    if head[:4] == b"OggS":
        return "ogg"
    if head[:4] == b"\x1a\x45\xdf\xa3":  # EBML header: Matroska / WebM
        return "webm"
    if head[4:8] in (b"ftyp", b"moov", b"mdat", b"free", b"wide"):  # ISO BMFF: mp4, m4a, mov
        return "mp4"
    if head[:3] == b"ID3" and len(head) >= 10:
        # An ID3v2 tag (size in 7-bit "syncsafe" bytes) usually precedes MP3, sometimes FLAC.
        size = 10 + sum((b & 0x7F) << (7 * (3 - i)) for i, b in enumerate(head[6:10]))
        return "flac" if head[size : size + 4] == b"fLaC" else "mp3"
    # MPEG audio frame sync: 11 set bits, MPEG version not "reserved", layer not "reserved".
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        if head[1] & 0x18 != 0x08 and head[1] & 0x06 != 0:
            return "mp3"
    return None


def _open(source: AudioSource) -> tuple[av.container.InputContainer, str, bool]:
    """Check the input is non-empty and of a supported container, then open it.

    Also says whether the header's length can be trusted to detect truncation.
    """
    if isinstance(source, bytes | bytearray):
        if not source:
            raise AudioDecodeError("the file is empty (0 bytes)")
        head, stream, size = bytes(source[:4096]), io.BytesIO(source), len(source)
    elif isinstance(source, str | Path):
        path = Path(source)
        if not path.is_file():
            raise AudioDecodeError(f"file not found: {path.name}")
        if path.stat().st_size == 0:
            raise AudioDecodeError("the file is empty (0 bytes)")
        with path.open("rb") as fh:
            head = fh.read(4096)
        stream, size = str(path), path.stat().st_size
    else:
        position = source.tell()
        head = source.read(4096)
        size = source.seek(0, io.SEEK_END)
        source.seek(position)
        if not head:
            raise AudioDecodeError("the file is empty (0 bytes)")
        stream = source
    container = sniff_container(head)
    if container is None:
        raise AudioDecodeError(
            "unsupported or unrecognised file type; upload mp3, m4a, wav, flac, ogg, webm or mp4"
        )
    if container == "wav":
        _check_wav_size(head, size)
    try:
        opened = av.open(stream, mode="r", format=_DEMUXERS[container], metadata_errors="ignore")
    except av.error.EOFError as exc:
        raise AudioDecodeError(
            f"the {container} file is truncated or corrupted: it ends before its header does"
        ) from exc
    except av.error.FFmpegError as exc:
        raise AudioDecodeError(f"the {container} file is corrupted: {exc.strerror}") from exc
    if not opened.streams.audio:
        opened.close()
        raise AudioDecodeError(f"the {container} file has no audio track")
    # MP3 without a Xing/Info/VBRI frame has its length guessed from the first frame's bit rate,
    # which is wrong for variable bit rates (and shrinks with the file, so it cannot show a cut).
    length_known = container != "mp3" or any(tag in head for tag in (b"Xing", b"Info", b"VBRI"))
    return opened, container, length_known


def _check_wav_size(head: bytes, size: int) -> None:
    """FFmpeg silently plays a cut-off WAV; its RIFF header says how long it should be."""
    declared = int.from_bytes(head[4:8], "little") + 8
    # 0 and 0xFFFFFFFF mark "unknown" in WAVs written while recording.
    if 8 < declared < 0xFFFFFFF0 and size < declared * _TRUNCATION_TOLERANCE:
        raise AudioDecodeError(
            f"the wav file is truncated: {size} of {declared} bytes (as its header declares)"
        )


def _declared_duration(container: av.container.InputContainer) -> float | None:
    """Length the container header claims, or None (browser WebM often has none)."""
    stream = container.streams.audio[0]
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None


def duration_seconds(source: AudioSource) -> float:
    """Length of the first audio track, from the header when present, else from packet timing.

    Nothing is decoded: at worst the packets are read (demuxed), which is far cheaper.
    """
    container, _, _ = _open(source)
    with container:
        declared = _declared_duration(container)
        if declared is not None:
            return declared
        stream = container.streams.audio[0]
        end = 0.0
        try:
            for packet in container.demux(stream):
                if packet.pts is not None and packet.time_base is not None:
                    end = max(end, float((packet.pts + (packet.duration or 0)) * packet.time_base))
        except av.error.FFmpegError as exc:
            raise AudioDecodeError(f"the file is corrupted: {exc.strerror}") from exc
        return end


def decode_audio(
    source: AudioSource,
    *,
    sample_rate: int = 16000,
    channels: Literal["mono", "keep"] = "mono",
) -> DecodedAudio:
    """Decode the first audio track of `source` (path, bytes or binary file object).

    `channels="mono"` downmixes to one channel; `"keep"` keeps the source channels (stereo
    recordings carry one speaker per channel). Raises `AudioDecodeError` for empty, unsupported,
    truncated or corrupted input and for files without an audio track.
    """
    container, kind, length_known = _open(source)
    with container:
        stream = container.streams.audio[0]
        source_channels = stream.codec_context.channels or 1
        out_channels = 1 if channels == "mono" else source_channels
        resampler = av.AudioResampler(format="fltp", layout=_layout(out_channels), rate=sample_rate)
        chunks: list[np.ndarray] = []
        packets = bad_packets = 0
        try:
            for packet in container.demux(stream):
                packets += 1
                try:
                    frames = packet.decode()
                except av.error.InvalidDataError:
                    # A few damaged packets in a long recording are skipped, as FFmpeg does.
                    bad_packets += 1
                    continue
                for frame in frames:
                    frame.pts = None  # timestamps can jump in damaged files; we only need samples
                    chunks.extend(f.to_ndarray() for f in resampler.resample(frame))
            chunks.extend(f.to_ndarray() for f in resampler.resample(None))
        except av.error.FFmpegError as exc:
            raise AudioDecodeError(f"the {kind} file is corrupted: {exc.strerror}") from exc
        declared = _declared_duration(container) if length_known else None

    if not chunks:
        raise AudioDecodeError(f"the {kind} file contains no decodable audio (corrupted)")
    samples = np.ascontiguousarray(np.concatenate(chunks, axis=1), dtype=np.float32)
    audio = DecodedAudio(samples, sample_rate, source_channels, kind)
    if declared is not None:
        missing = declared - audio.duration
        if (
            missing > _TRUNCATION_MIN_MISSING_S
            and audio.duration < declared * _TRUNCATION_TOLERANCE
        ):
            raise AudioDecodeError(
                f"the {kind} file is truncated: {audio.duration:.1f} s of audio decoded, "
                f"the header declares {declared:.1f} s"
            )
    if bad_packets * 2 > packets:
        raise AudioDecodeError(f"the {kind} file is corrupted: most of its audio is unreadable")
    return audio


def _layout(channel_count: int) -> str:
    """FFmpeg layout name for a channel count (WAV files often carry an unnamed layout)."""
    return {1: "mono", 2: "stereo"}.get(channel_count, f"{channel_count}c")
