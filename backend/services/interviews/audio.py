"""Reading uploaded recordings with PyAV (bundled FFmpeg): the one decoder that both the web
process (the upload probe, ``media``) and the workers (``workers.speech.decoding``) use, so a
file the upload accepts is a file the workers can decode.

Only the containers a browser or a recruiter realistically uploads are opened, picked from the
file's magic bytes rather than by FFmpeg's probing (which would also accept playlists that open
other files or URLs, images and hundreds of rarely fuzzed formats). Anything else, and anything
empty, damaged or cut short, raises ``AudioDecodeError`` with a ``code`` for the API and a short
``reason`` a person can act on.

No PyTorch and no worker code here: PyAV and NumPy only, so the web process may import it.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

import av
import av.error
import numpy as np
from pydantic import BaseModel, ConfigDict

from backend.services.interviews.frames import last_frame_is_cut

AudioSource = str | Path | bytes | bytearray | BinaryIO
Channels = Literal["mono", "keep"]

# Container → the FFmpeg demuxer that reads it.
DEMUXERS: dict[str, str] = {
    "wav": "wav",
    "flac": "flac",
    "ogg": "ogg",
    "webm": "matroska",
    "mp4": "mov",
    "mp3": "mp3",
    "aac": "aac",  # raw ADTS, what many phone recorders and exporters write as .aac
}
# Decoded audio shorter than this share of the declared length means the upload was cut off.
_TRUNCATION_TOLERANCE = 0.9
_TRUNCATION_MIN_MISSING_S = 0.5
# Formats whose header states the length exactly (a sample count, an index); MP3 only with a
# Xing/Info/VBRI frame. Ogg reads it from the last page and raw ADTS estimates it from the bit
# rate, so there a cut shows only in the last frame (``frames``).
_LENGTH_IN_HEADER = frozenset({"wav", "flac", "mp4", "webm"})


class AudioDecodeError(ValueError):
    """The input cannot be turned into audio. ``code``: empty_file, unsupported_media_type,
    corrupt_media, no_audio_stream (the API's 422 codes); ``reason``: a short explanation."""

    def __init__(self, reason: str, code: str = "corrupt_media") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


class AudioInfo(BaseModel):
    """What the container says about its first audio stream."""

    model_config = ConfigDict(frozen=True)

    container: str  # a key of DEMUXERS
    codec: str  # FFmpeg's codec name: "flac", "mp3float", "aac", "opus", …
    sample_rate: int | None
    channels: int
    declared_s: float | None  # the length the header states, when it can be trusted


@dataclass(frozen=True)
class DecodedAudio:
    """Decoded samples, one float32 row per output channel, in [-1, 1]."""

    samples: np.ndarray  # shape (channels, frames), float32
    sample_rate: int
    source_channels: int  # channel count of the original audio stream
    container: str  # one of the keys of DEMUXERS

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
    if len(head) >= 2 and head[0] == 0xFF:
        if head[1] & 0xF6 == 0xF0:  # ADTS: 12-bit sync, layer 00
            return "aac"
        # MPEG audio: 11 sync bits, version not "reserved", layer not "reserved".
        if head[1] & 0xE0 == 0xE0 and head[1] & 0x18 != 0x08 and head[1] & 0x06 != 0:
            return "mp3"
    return None


_UNSUPPORTED = (
    "unsupported or unrecognised file type; upload mp3, aac, m4a, wav, flac, ogg, webm or mp4"
)


def _head_and_stream(source: AudioSource) -> tuple[bytes, str | BinaryIO, int]:
    """The first 4 KB, what PyAV opens, and the size in bytes; empty or missing is refused."""
    if isinstance(source, bytes | bytearray):
        if not source:
            raise AudioDecodeError("the file is empty (0 bytes)", "empty_file")
        return bytes(source[:4096]), io.BytesIO(source), len(source)
    if isinstance(source, str | Path):
        path = Path(source)
        if not path.is_file():
            raise AudioDecodeError(f"file not found: {path.name}", "empty_file")
        size = path.stat().st_size
        if size == 0:
            raise AudioDecodeError("the file is empty (0 bytes)", "empty_file")
        with path.open("rb") as fh:
            return fh.read(4096), str(path), size
    position = source.tell()
    head = source.read(4096)
    size = source.seek(0, io.SEEK_END)
    source.seek(position)
    if not head:
        raise AudioDecodeError("the file is empty (0 bytes)", "empty_file")
    return head, source, size


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


class AudioReader:
    """An opened recording: ``info`` at once, then ``chunks`` decodes it, once, to the end."""

    def __init__(self, container: av.container.InputContainer, info: AudioInfo) -> None:
        self._container = container
        self.info = info
        self.decoded_s = 0.0  # seconds decoded so far

    def chunks(
        self, *, sample_rate: int = 16000, channels: Channels = "mono"
    ) -> Iterator[np.ndarray]:
        """Float32 arrays (channels, frames) at ``sample_rate`` covering the whole recording, in
        order. After the last one, raises ``AudioDecodeError`` when the file turned out to be
        cut short or mostly unreadable: a consumer only trusts what it read once this ends."""
        kind = self.info.container
        stream = self._container.streams.audio[0]
        out_channels = 1 if channels == "mono" else self.info.channels
        resampler = av.AudioResampler(format="fltp", layout=_layout(out_channels), rate=sample_rate)
        packets = bad_packets = frames_out = 0
        last: av.Packet | None = None
        try:
            for packet in self._container.demux(stream):
                if packet.size == 0:  # the flush packet at the end
                    continue
                packets += 1
                last = packet
                try:
                    frames = packet.decode()
                except av.error.InvalidDataError:
                    # A few damaged packets in a long recording are skipped, as FFmpeg does.
                    bad_packets += 1
                    continue
                for frame in frames:
                    frame.pts = None  # timestamps jump in damaged files; only samples matter
                    for out in resampler.resample(frame):
                        array = out.to_ndarray()
                        frames_out += array.shape[1]
                        self.decoded_s = frames_out / sample_rate
                        yield array
            for out in resampler.resample(None):
                array = out.to_ndarray()
                frames_out += array.shape[1]
                self.decoded_s = frames_out / sample_rate
                yield array
        except av.error.FFmpegError as exc:
            raise AudioDecodeError(f"the {kind} file is corrupted: {exc.strerror}") from exc
        if frames_out == 0:
            raise AudioDecodeError(f"the {kind} file contains no decodable audio (corrupted)")
        if last is not None and kind in ("mp3", "aac") and last_frame_is_cut(bytes(last)):
            raise AudioDecodeError(
                f"the {kind} file is truncated: it ends part way through an audio frame"
            )
        declared = self.info.declared_s
        if declared is not None:
            missing = declared - self.decoded_s
            if (
                missing > _TRUNCATION_MIN_MISSING_S
                and self.decoded_s < declared * _TRUNCATION_TOLERANCE
            ):
                raise AudioDecodeError(
                    f"the {kind} file is truncated: {self.decoded_s:.1f} s of audio decoded, "
                    f"the header declares {declared:.1f} s"
                )
        if bad_packets * 2 > packets:
            raise AudioDecodeError(f"the {kind} file is corrupted: most of its audio is unreadable")


@contextmanager
def open_audio(source: AudioSource) -> Iterator[AudioReader]:
    """Open the first audio track of ``source`` (path, bytes or binary file object). Raises
    ``AudioDecodeError`` for empty, unsupported or unopenable input and for no audio track."""
    head, stream, size = _head_and_stream(source)
    kind = sniff_container(head)
    if kind is None:
        raise AudioDecodeError(_UNSUPPORTED, "unsupported_media_type")
    if kind == "wav":
        _check_wav_size(head, size)
    try:
        container = av.open(stream, mode="r", format=DEMUXERS[kind], metadata_errors="ignore")
    except av.error.EOFError as exc:
        raise AudioDecodeError(
            f"the {kind} file is truncated or corrupted: it ends before its header does"
        ) from exc
    except av.error.FFmpegError as exc:
        raise AudioDecodeError(f"the {kind} file is corrupted: {exc.strerror}") from exc
    with container:
        if not container.streams.audio:
            raise AudioDecodeError(f"the {kind} file has no audio track", "no_audio_stream")
        codec = container.streams.audio[0].codec_context
        # MP3 without a Xing/Info/VBRI frame has its length guessed from the first frame's bit
        # rate, which is wrong for variable bit rates and shrinks with the file.
        trusted = kind in _LENGTH_IN_HEADER or (
            kind == "mp3" and any(tag in head for tag in (b"Xing", b"Info", b"VBRI"))
        )
        info = AudioInfo(
            container=kind,
            codec=codec.name,
            sample_rate=codec.sample_rate or None,
            channels=codec.channels or 1,
            declared_s=_declared_duration(container) if trusted else None,
        )
        yield AudioReader(container, info)


def duration_seconds(source: AudioSource) -> float:
    """Length of the first audio track, from the header when present, else from packet timing.

    Nothing is decoded: at worst the packets are read (demuxed), which is far cheaper.
    """
    with open_audio(source) as reader:
        container = reader._container
        declared = _declared_duration(container)
        if declared is not None:
            return declared
        end = 0.0
        try:
            for packet in container.demux(container.streams.audio[0]):
                if packet.pts is not None and packet.time_base is not None:
                    end = max(end, float((packet.pts + (packet.duration or 0)) * packet.time_base))
        except av.error.FFmpegError as exc:
            raise AudioDecodeError(f"the file is corrupted: {exc.strerror}") from exc
        return end


def decode_audio(
    source: AudioSource, *, sample_rate: int = 16000, channels: Channels = "mono"
) -> DecodedAudio:
    """Decode the whole first audio track of ``source`` (path, bytes or binary file object).

    ``channels="mono"`` downmixes to one channel; ``"keep"`` keeps the source channels (stereo
    recordings carry one speaker per channel). Raises ``AudioDecodeError`` for empty,
    unsupported, truncated or corrupted input and for files without an audio track.
    """
    with open_audio(source) as reader:
        chunks = list(reader.chunks(sample_rate=sample_rate, channels=channels))
        info = reader.info
    samples = np.ascontiguousarray(np.concatenate(chunks, axis=1), dtype=np.float32)
    return DecodedAudio(samples, sample_rate, info.channels, info.container)


def _layout(channel_count: int) -> str:
    """FFmpeg layout name for a channel count (WAV files often carry an unnamed layout)."""
    return {1: "mono", 2: "stereo"}.get(channel_count, f"{channel_count}c")
