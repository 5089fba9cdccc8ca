"""Interview jobs through the worker's pipeline with the real models: recordings in, a
transcript with speakers, conversation metrics and an assessment out, states recorded on the
way, inputs deleted afterwards unless the organisation keeps them."""

from __future__ import annotations

import shutil
import wave
from pathlib import Path

import numpy as np
import pytest

from backend.db import session_scope
from backend.models import InterviewJob, Organization
from backend.services.interviews import jobs, submission
from backend.services.interviews.media import MediaRefused
from backend.settings import get_settings
from tests.helpers import make_org
from workers.interviews.pipeline import run_interview_job

AUDIO = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "audio"
pytestmark = pytest.mark.skipif(not AUDIO.is_dir(), reason="../shared/data/audio is missing")


@pytest.fixture(scope="module")
def org():
    return make_org("Interview pipeline")


def _submit(org, path: Path, *, role: str = "Backend Engineer") -> str:
    with session_scope() as session, path.open("rb") as stream:
        job = submission.submit_recording(
            session, org_id=org.org_id, stream=stream, filename=path.name, role_title=role
        )
        return job.id


def _process(org, path: Path, **kwargs) -> dict:
    job_id = _submit(org, path, **kwargs)
    assert run_interview_job(job_id) in ("completed", "failed")
    with session_scope() as session:
        job = jobs.get_job(session, org_id=org.org_id, job_id=job_id)
        view = jobs.job_view(job)
        view["states"] = [e.status for e in jobs.job_events(session, job_id=job_id)]
        view["_input_path"] = job.input_path
        return view


def test_a_recording_becomes_a_transcript_metrics_and_an_assessment(org):
    view = _process(org, AUDIO / "jfk.flac", role="Speechwriter")
    assert view["status"] == "completed", view.get("error")
    assert view["states"][0] == "queued"
    assert view["states"][-2:] == ["processing_inference", "completed"]
    result = view["result"]
    text = " ".join(line["text"] for line in result["transcript"]).lower()
    assert "ask not what your country can do for you" in text
    assert all(line["start"] < line["end"] for line in result["transcript"])
    assert result["metrics"]["turns"] >= 1
    # An interview has two voices, so one is split in two; but the split is not clear (one real
    # voice), so the interviewer cannot be told from the candidate and nothing is scored
    # silently: the reviewer is asked to confirm the roles.
    diarization = result["diarization"]
    assert diarization["method"] == "embeddings" and diarization["voices_clear"] is False
    assert diarization["separation"] < 0.4
    assessment = result["assessment"]
    assert assessment["scored"] is False and assessment["recommendation"] is None
    assert assessment["scores"] == {}
    assert assessment["summary"] and assessment["submittal_note"]
    assert any("could not be told apart clearly" in flag for flag in assessment["red_flags"])
    assert any("confirm the speakers' roles" in flag for flag in assessment["red_flags"])
    # Who spoke when over the speech heard: Kennedy's 11 s, with his pauses left out.
    turns = diarization["turns"]
    heard = sum(end - start for start, end, _ in turns)
    assert 6.0 < heard < 10.5 and all(start < end for start, end, _ in turns)
    assert sum(s["talk_s"] for s in result["speakers"]) == pytest.approx(heard, abs=0.05)


def test_inputs_are_deleted_after_processing_unless_the_organisation_keeps_them(org, tmp_path):
    deleted = _process(org, AUDIO / "jfk.flac")
    assert deleted["_input_path"] is None and deleted["input_retained"] is False
    keeper = make_org("Keeps recordings")
    with session_scope() as session:
        row = session.get(Organization, keeper.org_id)
        row.keep_interview_inputs = True
        session.add(row)
        session.commit()
    kept = _process(keeper, AUDIO / "jfk.flac")
    assert kept["input_retained"] is True
    assert (get_settings().data_dir / kept["_input_path"]).exists()


def test_a_stereo_recording_gives_each_channel_its_own_speaker(org):
    view = _process(org, AUDIO / "stereo_diarization.wav")
    assert view["status"] == "completed", view.get("error")
    result = view["result"]
    assert result["diarization"] == {"method": "channels", "speaker_count": 2}
    roles = {s["id"]: s["role"] for s in result["speakers"]}
    assert sorted(roles.values()) == ["candidate", "interviewer"]
    assert set(result["metrics"]["talk_ratio"]) == {"SPEAKER_00", "SPEAKER_01"}


def _silent_wav(path: Path, seconds: float = 5.0) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(np.zeros(int(16000 * seconds), dtype=np.int16).tobytes())
    return path


def test_a_silent_recording_is_refused_before_any_charge(org, tmp_path):
    with pytest.raises(MediaRefused) as refused, _silent_wav(tmp_path / "s.wav").open("rb") as f:
        with session_scope() as session:
            submission.submit_recording(
                session, org_id=org.org_id, stream=f, filename="s.wav", role_title="Engineer"
            )
    assert refused.value.code == "no_speech"


def test_a_recording_found_silent_by_the_worker_fails_with_a_reason_and_is_not_refunded(
    org, tmp_path
):
    # Accepted as speech, then replaced on disk by silence: the worker's own check still holds.
    job_id = _submit(org, AUDIO / "jfk.flac")
    with session_scope() as session:
        stored = get_settings().data_dir / session.get(InterviewJob, job_id).input_path
    shutil.copyfile(_silent_wav(tmp_path / "silence.wav"), stored)
    assert run_interview_job(job_id) == "failed"
    with session_scope() as session:
        view = jobs.job_view(jobs.get_job(session, org_id=org.org_id, job_id=job_id))
        states = [e.status for e in jobs.job_events(session, job_id=job_id)]
    assert view["error"]["code"] == "no_speech"
    assert "silent" in view["error"]["message"]
    assert view["error"]["refunded"] is False
    assert states[-1] == "failed"


def test_a_finished_job_is_not_processed_again(org):
    job_id = _submit(org, AUDIO / "jfk.flac")
    assert run_interview_job(job_id) == "completed"
    assert run_interview_job(job_id) == "skipped"
    with session_scope() as session:
        assert session.get(InterviewJob, job_id).attempts == 1


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is missing")
def test_a_synthetic_mono_interview_is_diarized_by_voice(org, tmp_path):
    from tests.workers.speech.interviews import synthesise_interview

    interview = synthesise_interview(tmp_path)
    view = _process(org, interview.path, role="Backend Engineer")
    assert view["status"] == "completed", view.get("error")
    result = view["result"]
    assert result["diarization"]["method"] == "embeddings"
    assert result["diarization"]["speaker_count"] == 2
    roles = {s["id"]: s["role"] for s in result["speakers"]}
    interviewer = next(k for k, v in roles.items() if v == "interviewer")
    first_line = result["transcript"][0]
    assert first_line["speaker"] == interviewer  # the interviewer opens with a question
    assert result["metrics"]["question_count"][interviewer] >= 2
