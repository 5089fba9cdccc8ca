"""No charge for nothing: the upload's speech check, measured on real and synthesised speech
against silence and noise, and over HTTP (refused with 422 ``no_speech``, nothing charged) and
the formats that used to be charged and then failed (``.aac``, a cut MP3 or AAC)."""

from __future__ import annotations

import shutil
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from backend.services.interviews.audio import decode_audio
from backend.services.interviews.media import probe_file
from backend.services.interviews.speech_activity import SAMPLE_RATE, LevelMeter, SpeechActivity
from tests.api.interviews.helpers import (
    accepted,
    balance,
    org_footprint,
    set_balance,
    stored_recordings,
    submit,
)
from tests.api.interviews.recordings import JFK, STEREO, convert, requires_recordings, tone_wav

pytestmark = requires_recordings
RNG_SEED = 10


def write_wav(path: Path, samples: np.ndarray, rate: int = 16000) -> Path:
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return path


def measure(samples: np.ndarray) -> SpeechActivity:
    meter = LevelMeter()
    for start in range(0, samples.size, 4099):  # chunks that do not align with frames
        meter.feed(samples[start : start + 4099])
    return meter.result()


def jfk() -> np.ndarray:
    return decode_audio(JFK, sample_rate=SAMPLE_RATE).samples[0]


def white(seconds: float, dbfs: float) -> np.ndarray:
    rng = np.random.default_rng(RNG_SEED)
    return (rng.standard_normal(int(seconds * SAMPLE_RATE)) * 10 ** (dbfs / 20)).astype(np.float32)


def brown(seconds: float, dbfs: float) -> np.ndarray:
    walk = np.cumsum(np.random.default_rng(RNG_SEED).standard_normal(int(seconds * SAMPLE_RATE)))
    walk -= np.convolve(walk, np.ones(801) / 801, "same")  # keep it from drifting off
    return (walk / walk.std() * 10 ** (dbfs / 20)).astype(np.float32)


def seconds(length: float) -> np.ndarray:
    return np.arange(int(length * SAMPLE_RATE)) / SAMPLE_RATE


def hum(length: float) -> np.ndarray:
    t = seconds(length)
    return sum(a * np.sin(2 * np.pi * f * t) for f, a in ((50, 0.1), (150, 0.05), (350, 0.02)))


def rms_dbfs(samples: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(samples**2))))


# --- the detector's figures ----------------------------------------------------------------


def test_real_speech_is_speech_loud_quiet_or_under_noise():
    speech = jfk()
    loud = measure(speech)
    quiet = measure(speech * 10 ** (-45 / 20))
    noisy = measure(speech + white(speech.size / SAMPLE_RATE, rms_dbfs(speech)))  # SNR 0 dB
    stereo = measure(decode_audio(STEREO, sample_rate=SAMPLE_RATE).samples[0])
    for activity in (loud, quiet, noisy, stereo):
        assert activity.verdict == "speech", activity
    assert loud.active_s > 5.0  # of 11 s
    assert quiet.active_s > 3.0 and quiet.loud_dbfs < -45
    assert noisy.active_s > 1.2


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_synthesised_speech_is_speech(tmp_path):
    path = tmp_path / "answer.wav"
    text = "I would add an index on the customer id and check the query plan before and after."
    subprocess.run(["espeak-ng", "-w", str(path), text], check=True, capture_output=True)
    assert measure(decode_audio(path, sample_rate=SAMPLE_RATE).samples[0]).has_speech


@pytest.mark.parametrize(
    ("name", "make", "verdict"),
    [
        ("digital silence", lambda: np.zeros(20 * SAMPLE_RATE, np.float32), "silent"),
        ("±1 LSB dither", lambda: white(20, -96), "silent"),
        ("quiet hiss", lambda: white(20, -50), "noise"),
        ("loud hiss", lambda: white(20, -6), "noise"),
        ("brown noise", lambda: brown(20, -20), "noise"),
        ("mains hum and harmonics", lambda: hum(20), "noise"),
        ("a tone", lambda: 0.1 * np.sin(2 * np.pi * 440 * seconds(20)), "noise"),
        ("ten minutes of hiss", lambda: white(600, -30), "noise"),
    ],
)
def test_silence_and_steady_noise_are_not_speech(name, make, verdict):
    activity = measure(np.asarray(make(), np.float32))
    assert activity.verdict == verdict, (name, activity)
    assert activity.active_s < 0.2


# --- over HTTP: refused before any charge ---------------------------------------------------


@pytest.fixture()
def no_speech_files(tmp_path) -> dict[str, Path]:
    return {
        "silence": write_wav(tmp_path / "silence.wav", np.zeros(30 * 16000, np.float32)),
        "noise": write_wav(tmp_path / "noise.wav", white(30, -20)),
        "tone": tone_wav(tmp_path / "tone.wav", 30.0),
    }


@pytest.mark.parametrize(
    ("kind", "verdict"), [("silence", "silent"), ("noise", "noise"), ("tone", "noise")]
)
def test_silence_and_noise_are_refused_before_any_charge(
    client, org, no_speech_files, kind, verdict
):
    set_balance(org, 5)
    before = org_footprint(org), stored_recordings()
    path = no_speech_files[kind]
    response = submit(client, org, data=path.read_bytes(), filename=path.name)
    assert response.status_code == 422, response.text
    body = response.json()["detail"]
    assert (body["error"], body["verdict"]) == ("no_speech", verdict)
    assert ("silent" if verdict == "silent" else "No speech") in body["message"]
    assert (org_footprint(org), stored_recordings()) == before
    assert balance(org) == 5


def test_quiet_speech_is_accepted_and_charged(client, org, tmp_path):
    set_balance(org, 5)
    quiet = write_wav(tmp_path / "quiet.wav", decode_audio(JFK).samples[0] * 10 ** (-40 / 20))
    body = accepted(client, org, data=quiet.read_bytes(), filename="quiet.wav")
    assert (body["credits_charged"], body["credits_remaining"]) == (1, 4)


def test_an_aac_upload_is_accepted_and_decodes_for_the_workers(client, org, tmp_path):
    from backend.db import session_scope
    from backend.models.interviews import InterviewJob
    from backend.services.interviews.jobs import input_key
    from backend.services.storage import get_storage
    from workers.speech.decoding import decode_audio as worker_decode

    recording = convert(JFK, tmp_path / "call.aac")
    assert probe_file(recording).container == "aac"
    body = accepted(client, org, data=recording.read_bytes(), filename="call.aac")
    with session_scope() as session:
        job = session.get(InterviewJob, body["job_id"])
        assert job is not None
        key = input_key(job)
    assert key is not None
    with get_storage().local_copy(key) as stored:
        assert worker_decode(stored, channels="keep").duration == pytest.approx(11.0, abs=0.1)


@pytest.mark.parametrize("suffix", ["mp3", "aac"])
def test_a_cut_mp3_or_aac_is_refused_before_any_charge(client, org, tmp_path, suffix):
    set_balance(org, 5)
    data = convert(JFK, tmp_path / f"call.{suffix}").read_bytes()
    before = org_footprint(org), stored_recordings()
    response = submit(client, org, data=data[: len(data) * 2 // 3], filename=f"call.{suffix}")
    assert response.status_code == 422, response.text
    body = response.json()["detail"]
    assert body["error"] == "corrupt_media"
    assert "truncated" in body["message"]
    assert (org_footprint(org), stored_recordings()) == before
