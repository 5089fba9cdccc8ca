"""Decoding: the containers users upload decode to the right length; bad uploads fail with a
reason a user can act on."""

from __future__ import annotations

import io

import numpy as np
import pytest

from tests.workers.speech.recordings import (
    CONVERSIONS,
    JFK,
    STEREO,
    convert,
    requires_recordings,
    write_wav,
)
from workers.speech.decoding import AudioDecodeError, decode_audio, duration_seconds


def _reason(source) -> str:
    with pytest.raises(AudioDecodeError) as caught:
        decode_audio(source)
    return caught.value.reason


def test_zero_byte_file(tmp_path):
    empty = tmp_path / "answer.webm"
    empty.touch()
    assert _reason(empty) == "the file is empty (0 bytes)"
    assert _reason(b"") == "the file is empty (0 bytes)"


def test_text_file_renamed_mp3(tmp_path):
    fake = tmp_path / "interview.mp3"
    fake.write_text("Dear recruiter,\nplease find my interview attached.\n" * 20)
    assert "unsupported or unrecognised file type" in _reason(fake)


def test_random_bytes(tmp_path):
    noise = tmp_path / "upload.m4a"
    noise.write_bytes(np.random.default_rng(7).bytes(64_000))
    assert "unsupported or unrecognised file type" in _reason(noise)


@pytest.mark.parametrize(
    "header", [b"RIFF\x00\x00\x01\x00WAVE", b"fLaC", b"OggS", b"\x1a\x45\xdf\xa3"]
)
def test_right_magic_garbage_body(header):
    garbage = header + np.random.default_rng(3).bytes(32_000)
    reason = _reason(garbage)
    assert "corrupted" in reason or "truncated" in reason or "no audio" in reason


def test_missing_file(tmp_path):
    assert _reason(tmp_path / "gone.wav") == "file not found: gone.wav"


@requires_recordings
def test_truncated_flac_header_only():
    reason = _reason(JFK.read_bytes()[:2048])
    assert reason.startswith("the flac file is truncated")


@requires_recordings
def test_flac_cut_off_halfway():
    data = JFK.read_bytes()
    reason = _reason(data[: len(data) // 2])
    assert (
        reason == "the flac file is truncated: 5.4 s of audio decoded, the header declares 11.0 s"
    )


# Ogg and browser WebM carry no length in their header: a cut there looks like a shorter recording.
@requires_recordings
@pytest.mark.parametrize("suffix", ["mp3", "m4a", "webm", "wav", "mp4"])
def test_upload_cut_off_halfway(tmp_path, suffix):
    codec, video = CONVERSIONS[suffix]
    data = convert(JFK, tmp_path / f"jfk.{suffix}", codec=codec, video=video).read_bytes()
    reason = _reason(data[: len(data) // 2])
    assert "truncated" in reason or "corrupted" in reason


@requires_recordings
def test_video_without_audio_track(tmp_path):
    silent_film = convert(JFK, tmp_path / "screen.mp4", codec=None, video=True)
    assert _reason(silent_film) == "the mp4 file has no audio track"


@requires_recordings
def test_flac_mono_and_kept_channels():
    mono = decode_audio(JFK)
    assert mono.samples.dtype == np.float32
    assert mono.channels == 1 and mono.sample_rate == 16000
    assert mono.duration == pytest.approx(11.0, abs=0.01)
    assert mono.source_channels == 2  # jfk.flac is mono speech saved as stereo
    kept = decode_audio(STEREO, channels="keep")
    assert kept.samples.shape == (2, 80_000)
    assert not np.allclose(kept.samples[0], kept.samples[1])
    assert 0.01 < np.abs(kept.samples).max() <= 1.0


@requires_recordings
def test_bytes_and_file_objects_decode_like_paths():
    from_path = decode_audio(JFK).samples
    assert np.array_equal(decode_audio(JFK.read_bytes()).samples, from_path)
    assert np.array_equal(decode_audio(io.BytesIO(JFK.read_bytes())).samples, from_path)


@requires_recordings
@pytest.mark.parametrize("suffix", sorted(CONVERSIONS))
def test_converted_formats_decode(tmp_path, suffix):
    codec, video = CONVERSIONS[suffix]
    path = convert(JFK, tmp_path / f"jfk.{suffix}", codec=codec, video=video)
    audio = decode_audio(path)
    assert audio.duration == pytest.approx(11.0, abs=0.1)
    assert duration_seconds(path) == pytest.approx(11.0, abs=0.1)
    # Same speech: the lossy copy correlates with the original.
    original = decode_audio(JFK).samples[0]
    n = min(original.size, audio.samples.shape[1])
    best = max(
        np.corrcoef(original[: n - 2000], audio.samples[0][shift : n - 2000 + shift])[0, 1]
        for shift in range(0, 2000, 8)
    )
    assert best > 0.9


@requires_recordings
def test_browser_webm_without_duration_header(tmp_path):
    recorded = convert(JFK, tmp_path / "answer.webm", codec="libopus", live=True)
    assert duration_seconds(recorded) == pytest.approx(11.0, abs=0.1)  # from packet timing
    assert decode_audio(recorded).duration == pytest.approx(11.0, abs=0.1)


def test_duration_of_generated_wav_without_decoding(tmp_path):
    path = write_wav(tmp_path / "tone.wav", np.zeros(16000 * 3, np.float32))
    assert duration_seconds(path) == pytest.approx(3.0)


@requires_recordings
def test_raw_adts_aac_decodes(tmp_path):
    """A `.aac` upload (raw ADTS frames, no container) decodes like the other formats."""
    path = convert(JFK, tmp_path / "answer.aac", codec="aac")
    assert path.read_bytes()[:2] == b"\xff\xf1"  # ADTS sync: no MP4 box around it
    audio = decode_audio(path)
    assert audio.container == "aac"
    assert audio.duration == pytest.approx(11.0, abs=0.1)


@requires_recordings
@pytest.mark.parametrize("suffix", ["mp3", "aac"])
def test_raw_streams_cut_inside_a_frame_are_truncated(tmp_path, suffix):
    """MP3 and ADTS carry no trustworthy length; the last frame, shorter than its own header
    says, gives the cut away."""
    data = convert(JFK, tmp_path / f"jfk.{suffix}", codec=CONVERSIONS.get(suffix, ("aac",))[0])
    cut = data.read_bytes()
    for end in (len(cut) // 2 + 37, len(cut) - 5):
        assert "truncated" in _reason(cut[:end])
