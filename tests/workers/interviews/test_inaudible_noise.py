"""Noise nobody can hear does not change an assessment: a short two-voice interview is
rendered with espeak-ng (stereo, a voice per channel), copies get ±1 LSB of random noise
(16-bit), and the real interview pipeline (speech model, speakers by channel, assessment
against a job's question bank) gives each copy the same competency scores and recommendation
as the clean recording."""

from __future__ import annotations

from pathlib import Path

from backend.db import session_scope
from backend.models.pipeline import Job, Question
from backend.services.interviews import jobs, submission
from tests.helpers import make_org
from tests.workers.speech.interviews import requires_espeak, synthesise_interview, with_lsb_noise
from workers.interviews.pipeline import run_interview_job

ROLE = "Payments Engineer"
SCRIPT: tuple[tuple[str, str], ...] = (
    ("interviewer", "Thanks for joining. How would you make a payment request safe to retry?"),
    (
        "candidate",
        "The client sends an idempotency key with every request, and the server stores the key "
        "with the result, so a retry gets the stored result instead of a second charge.",
    ),
    ("interviewer", "When would you pick a message queue over a direct call?"),
    (
        "candidate",
        "Um, when the caller does not need the answer right away, and the work can be retried "
        "later by a worker.",
    ),
    ("interviewer", "Great, thank you. That is all from me today."),
)
QUESTIONS = (
    (
        "How would you make a payment request safe to retry?",
        [
            "The client sends an idempotency key with each request and retries reuse the key.",
            "The server stores the key with the result and returns it for a repeated key.",
        ],
        ["Retries are safe if the client just waits longer before retrying."],
    ),
    (
        "When would you pick a message queue over a direct call?",
        [
            "A queue fits when the caller does not need the result immediately.",
            "Queued work can be retried by workers when it fails.",
        ],
        ["A queue always makes a system faster."],
    ),
)
SEEDS = (1, 2, 3)

pytestmark = requires_espeak


def _assess(org_id: str, path: Path) -> dict:
    with session_scope() as session, path.open("rb") as stream:
        job_id = submission.submit_recording(
            session, org_id=org_id, stream=stream, filename=path.name, role_title=ROLE
        ).id
    assert run_interview_job(job_id) == "completed"
    with session_scope() as session:
        view = jobs.job_view(jobs.get_job(session, org_id=org_id, job_id=job_id))
    return view["result"]["assessment"]


def _verdict(assessment: dict) -> dict:
    return {
        "recommendation": assessment["recommendation"],
        "scores": {key: value["score"] for key, value in assessment["scores"].items()},
    }


def test_inaudible_noise_changes_no_competency_score_and_no_recommendation(tmp_path):
    org = make_org("Inaudible noise")
    with session_scope() as session:
        job = Job(org_id=org.org_id, title=ROLE)
        session.add(job)
        session.flush()
        for position, (text, points, wrong) in enumerate(QUESTIONS):
            session.add(
                Question(
                    org_id=org.org_id,
                    job_id=job.id,
                    question_text=text,
                    category="technical",
                    position=position,
                    key_points=points,
                    misconceptions=wrong,
                )
            )
        session.commit()
    # Stereo, one voice per channel, as a call recording is: a clip this short holds too little
    # of each voice for diarization, and who is who is not what this test is about.
    interview = synthesise_interview(tmp_path, SCRIPT, interrupting_turn=None, stereo=True)
    assert interview.stereo_path is not None

    clean = _assess(org.org_id, interview.stereo_path)
    assert clean["scored"] is True, clean["summary"]
    assert clean["answers"], "the answers were judged against the job's questions"
    expected = _verdict(clean)
    for seed in SEEDS:
        noisy = _assess(org.org_id, with_lsb_noise(interview.stereo_path, seed, tmp_path))
        assert _verdict(noisy) == expected, f"seed {seed}"
