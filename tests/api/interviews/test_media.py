"""The upload probe: real recordings in every accepted container are measured; empty, foreign,
cut-short and damaged files, and files without audio, are refused with a clear code, nothing
is charged and no job or file is left behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.services.interviews.media import MediaRefused, probe_file, sniff_container
from tests.api.interviews.helpers import org_footprint, set_balance, stored_recordings, submit
from tests.api.interviews.recordings import (
    CONVERSIONS,
    JFK,
    STEREO,
    convert,
    first_half,
    flipped_header,
    png_bytes,
    requires_recordings,
    video_only_webm,
)

pytestmark = requires_recordings


@pytest.fixture(scope="module")
def conversions(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("conversions")
    return {suffix: convert(JFK, folder / f"jfk.{suffix}") for suffix in CONVERSIONS}


@pytest.fixture(scope="module")
def no_audio(tmp_path_factory) -> Path:
    return video_only_webm(tmp_path_factory.mktemp("video") / "screen.webm")


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("head", "container"),
    [
        (b"ID3\x04\x00" + bytes(7), "mp3"),
        (b"\xff\xfb\x90\x64" + bytes(8), "mp3"),
        (b"\xff\xf1\x50\x80" + bytes(8), "aac"),
        (b"\x00\x00\x00\x20ftypM4A " + bytes(4), "mp4"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "wav"),
        (b"fLaC\x00\x00\x00\x22" + bytes(4), "flac"),
        (b"OggS\x00\x02" + bytes(6), "ogg"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81" + bytes(4), "webm"),
        (b"\x89PNG\r\n\x1a\n" + bytes(4), None),
        (b"RIFF\x24\x00\x00\x00AVI LIST", None),
        (b"hello, world", None),
    ],
)
def test_containers_are_told_by_their_magic_bytes(head, container):
    assert sniff_container(head) == container


def test_the_real_flac_is_measured():
    probe = probe_file(JFK)
    assert probe.container == "flac" and probe.codec == "flac"
    assert probe.duration_s == pytest.approx(11.0, abs=0.05)
    assert (probe.sample_rate, probe.channels) == (44100, 2)


def test_the_real_wav_is_measured():
    probe = probe_file(STEREO)
    assert (probe.container, probe.channels) == ("wav", 2)
    assert probe.duration_s == pytest.approx(5.0, abs=0.05)


@pytest.mark.parametrize("suffix", sorted(CONVERSIONS))
def test_every_accepted_container_is_measured(conversions, suffix):
    probe = probe_file(conversions[suffix])
    expected = {"m4a": "mp4"}.get(suffix, suffix)
    assert probe.speech.has_speech
    assert probe.container == expected
    assert probe.duration_s == pytest.approx(11.0, abs=0.25)


def refused(path: Path) -> MediaRefused:
    with pytest.raises(MediaRefused) as caught:
        probe_file(path)
    assert caught.value.status_code == 422
    return caught.value


def test_an_empty_file_is_refused(tmp_path):
    assert refused(write(tmp_path, "empty.mp3", b"")).code == "empty_file"


@pytest.mark.parametrize(
    "data", [png_bytes(), b"Interview notes: the candidate was great.\n" * 20], ids=["png", "text"]
)
def test_a_file_that_is_not_audio_is_refused(tmp_path, data):
    error = refused(write(tmp_path, "call.mp3", data))  # the name says mp3; the bytes do not
    assert error.code == "unsupported_media_type"
    assert "MP3" in error.message


@pytest.mark.parametrize("source", ["flac", "wav", "webm", "m4a", "mp3", "aac"])
def test_a_recording_cut_in_half_is_refused(tmp_path, conversions, source):
    original = {"flac": JFK, "wav": STEREO}.get(source) or conversions[source]
    error = refused(write(tmp_path, f"cut.{source}", first_half(original.read_bytes())))
    assert error.code == "corrupt_media"
    assert "complete" in error.message


@pytest.mark.parametrize("source", ["flac", "wav", "m4a", "ogg", "webm"])
def test_a_recording_with_a_damaged_header_is_refused(tmp_path, conversions, source):
    original = {"flac": JFK, "wav": STEREO}.get(source) or conversions[source]
    error = refused(write(tmp_path, f"bad.{source}", flipped_header(original.read_bytes())))
    assert error.code == "corrupt_media"


def test_an_mp3_of_noise_behind_its_tag_is_refused(tmp_path, conversions):
    data = conversions["mp3"].read_bytes()
    error = refused(write(tmp_path, "bad.mp3", flipped_header(data, length=len(data))))
    assert error.code == "corrupt_media"


def test_an_mp3_with_a_few_damaged_frames_is_accepted(tmp_path, conversions):
    """MP3 decoders resynchronise on the next frame: the rest of the call is still there, and
    the workers transcribe what decodes."""
    probe = probe_file(
        write(tmp_path, "rough.mp3", flipped_header(conversions["mp3"].read_bytes()))
    )
    assert probe.container == "mp3"
    assert 10.0 < probe.duration_s <= 11.1


def test_a_file_without_audio_is_refused(no_audio):
    assert refused(no_audio).code == "no_audio_stream"


# --- the same refusals over HTTP: nothing charged, no job, no file -------------------------


@pytest.fixture()
def refusals(tmp_path, no_audio) -> dict[str, tuple[str, bytes]]:
    jfk = JFK.read_bytes()
    return {
        "empty_file": ("empty.flac", b""),
        "unsupported_media_type": ("photo.png", png_bytes()),
        "corrupt_media": ("cut.flac", first_half(jfk)),
        "no_audio_stream": ("screen.webm", no_audio.read_bytes()),
    }


@pytest.mark.parametrize(
    "code", ["empty_file", "unsupported_media_type", "corrupt_media", "no_audio_stream"]
)
def test_refused_uploads_charge_nothing_and_leave_nothing(client, org, refusals, code):
    set_balance(org, 5)
    filename, data = refusals[code]
    before = org_footprint(org), stored_recordings()
    response = submit(client, org, data=data, filename=filename)
    assert response.status_code == 422, response.text
    body = response.json()["detail"]
    assert body["error"] == code
    assert body["message"]
    assert (org_footprint(org), stored_recordings()) == before


def test_damaged_header_over_http(client, org):
    before = org_footprint(org)
    response = submit(client, org, data=flipped_header(JFK.read_bytes()), filename="x.flac")
    assert response.status_code == 422
    assert response.json()["detail"]["error"] == "corrupt_media"
    assert org_footprint(org) == before


def test_a_text_file_over_http(client, org):
    response = submit(client, org, data=b"not audio\n", filename="notes.txt")
    assert response.status_code == 422
    assert response.json()["detail"]["error"] == "unsupported_media_type"
