"""The report PDFs read like the report: the candidate, the verdict and whose it is, the scores
as a chart, what the scores rest on with where to check it (a file and line for code, the
sentence said for an interview) and the risk flags. Read back with pypdf, as a reader's PDF
viewer would."""

from __future__ import annotations

import io

import pypdf

from backend.models.interviews import InterviewCall, InterviewJob, InterviewSource
from backend.models.pipeline import Application, Candidate, Job
from backend.services.evaluation_pdf import evaluation_pdf
from backend.services.interviews.interview_pdf import interview_export, interview_pdf
from tests.helpers import make_org


def _text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    return " ".join(
        " ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages
    )


def _file(path: str, line: int, end: int | None = None) -> dict:
    return {"kind": "file", "file": path, "line": line, "end_line": end}


EVALUATION = {
    "id": "eval-pdf-1",
    "candidate_ref": "TL-PDF1",
    "candidate_name": "Ada Lovelace",
    "candidate_email": "ada@example.com",
    "assessment_title": "Payments take-home",
    "target_role": "Backend Engineer",
    "target_level": "mid",
    "status": "completed",
    "result": {
        "recommendation": "proceed",
        "confidence_score": 0.82,
        "calibrated_seniority": "senior",
        "rubric_scores": [
            {
                "category": "Code Quality",
                "score": 4,
                "max_score": 5,
                "observations": [
                    {
                        "text": "Functions are short and named for what they do.",
                        "polarity": 1,
                        "evidence": [_file("src/app.py", 12, 18)],
                    },
                    {
                        "text": "Errors are swallowed in the retry loop.",
                        "polarity": -1,
                        "evidence": [_file("src/retry.py", 7)],
                    },
                ],
            },
            {
                "category": "Testing",
                "score": 2,
                "max_score": 5,
                "observations": [
                    {
                        "text": "No test covers the refund path.",
                        "polarity": -1,
                        "evidence": [_file("src/refunds.py", 40)],
                    },
                    "Seed-style plain sentence.",
                ],
            },
        ],
        "risk_flags": [
            {
                "code": "secret",
                "severity": "high",
                "message": "An API key is committed.",
                "evidence": [_file("config/settings.py", 3)],
            }
        ],
    },
    "automated_result": {
        "recommendation": "hold",
        "confidence_score": 0.82,
        "calibrated_seniority": "mid",
        "rubric_scores": [
            {"category": "Code Quality", "score": 3, "max_score": 5},
            {"category": "Testing", "score": 2, "max_score": 5},
        ],
    },
    "human_review": {
        "reviewer_id": "rita@example.com",
        "finalised_at": "2026-12-01T10:00:00Z",
        "recommendation": "proceed",
        "note": "Strong design, thin tests.",
    },
}


def test_evaluation_pdf_reads_like_the_report():
    text = _text(evaluation_pdf(EVALUATION))
    assert text.startswith("Ada Lovelace ada@example.com · Payments take-home · Backend Engineer")
    # The verdict, and that it is the reviewer's decision over the engine's proposal.
    assert "Recommendation Proceed" in text and "Confidence 82 %" in text
    assert "Level Senior (target mid)" in text
    assert "Reviewer's decision: rita@example.com, 2026-12-01" in text
    assert "Engine proposed Hold, level Mid" in text
    assert "Overall score 60 / 100" in text  # (4 + 2) of 10
    # Strongest before weakest, each with where to check it; the worst-scored category's
    # weakness first.
    strongest = text.index("Strongest points")
    weakest = text.index("Weakest points")
    categories = text.index("Categories")
    assert strongest < weakest < categories < text.index("Risk flags")
    assert (
        "Functions are short and named for what they do. src/app.py:12-18"
        in (text[strongest:weakest])
    )
    assert text.index("No test covers the refund path.", weakest) < text.index(
        "Errors are swallowed in the retry loop.", weakest
    )
    assert "src/refunds.py:40" in text[weakest:categories]
    # Every category with its (adjusted) score and its observations, plain sentences too.
    assert "Code Quality: 4 / 5 (engine 3, adjusted by the reviewer)" in text
    assert "Testing: 2 / 5" in text and "Seed-style plain sentence." in text
    assert "[high] An API key is committed. config/settings.py:3" in text


def test_evaluation_pdf_is_the_same_bytes_for_the_same_report():
    assert evaluation_pdf(EVALUATION) == evaluation_pdf(dict(EVALUATION))


def test_evaluation_pdf_before_any_score_says_so():
    view = {
        "id": "eval-pdf-2",
        "candidate_ref": "CAND-0002",
        "target_role": "Backend Engineer",
        "target_level": "mid",
        "status": "pending",
        "result": None,
        "automated_result": None,
        "human_review": None,
    }
    text = _text(evaluation_pdf(view))
    assert text.startswith("CAND-0002")  # no name known: the reference heads it
    assert "Engine's proposal, not reviewed yet" in text
    assert "No scores yet." in text and "Overall score —" in text


def _quote(start: float, speaker: str, text: str) -> dict:
    return {"start": start, "end": start + 3, "speaker": speaker, "text": text}


INTERVIEW_RESULT = {
    "transcript": [
        {"start": 0.0, "end": 4.0, "speaker": "SPEAKER_00", "role": "interviewer", "text": "Q"},
        {"start": 4.0, "end": 20.0, "speaker": "SPEAKER_01", "role": "candidate", "text": "A"},
    ],
    "speaker_roles": {"confirmed_by": "Rita Recruiter", "confirmed_at": "2026-12-02T09:00:00Z"},
    "assessment": {
        "summary": "Interview for the Support Engineer role: solid troubleshooting.",
        "recommendation": "advance",
        "scored": True,
        "confidence": 0.6,
        "scores": {
            "problem_solving": {
                "score": 4,
                "rationale": "Narrowed the outage down step by step.",
                "quotes": [_quote(62.0, "SPEAKER_01", "I checked the load balancer logs first.")],
            },
            "communication": {"score": 3, "rationale": "Clear, if brief.", "quotes": []},
            "role_fit": {
                "score": None,
                "rationale": "Role fit: not scored, not enough evidence.",
                "quotes": [],
            },
        },
        "answers": [
            {
                "question": "How would you find a slow query?",
                "question_start": 42.0,
                "score": 4,
                "verdict": "correct",
                "key_points": [
                    {
                        "key_point": "Read the query plan.",
                        "status": "stated",
                        "quote": _quote(48.5, "SPEAKER_01", "I would run EXPLAIN ANALYZE on it."),
                    },
                    {"key_point": "Check for missing indexes.", "status": "missed", "quote": None},
                ],
            }
        ],
        "red_flags": ["Interrupted the interviewer 6 times."],
        "submittal_note": "…",
    },
}


def _interview(session, org_id: str, *, result: dict) -> InterviewJob:
    job = Job(org_id=org_id, title="Support Engineer")
    person = Candidate(
        org_id=org_id, first_name="Casey", last_name="Candidate", email="casey@example.com"
    )
    session.add_all([job, person])
    session.flush()
    application = Application(
        org_id=org_id,
        job_id=job.id,
        candidate_id=person.id,
        source_application_status="new",
        application_stage="screening",
    )
    session.add(application)
    session.flush()
    call = InterviewCall(
        org_id=org_id, application_id=application.id, job_id=job.id, candidate_id=person.id
    )
    session.add(call)
    session.flush()
    interview = InterviewJob(
        org_id=org_id,
        role_title="Support Engineer",
        call_id=call.id,
        source=InterviewSource.call.value,
        status="completed",
        duration_s=754.0,
        result=result,
    )
    session.add(interview)
    session.flush()
    return interview


def test_interview_pdf_reads_like_the_report(db):
    org = make_org()
    job = _interview(db, org.org_id, result=INTERVIEW_RESULT)
    export = interview_export(db, org_id=org.org_id, job_id=job.id)
    pdf = interview_pdf(export)
    text = _text(pdf)
    assert text.startswith("Casey Candidate casey@example.com · Support Engineer")
    assert "Recommendation Advance Confidence 60 %" in text
    assert "Assessment's proposal, not reviewed yet" in text
    assert "Speakers' roles confirmed by Rita Recruiter on 2026-12-02" in text
    # The competency scores (charted, then each with its rationale and quotes).
    assert "Problem solving: 4 / 5" in text and "Communication: 3 / 5" in text
    # A competency no question asked about says so, never "0 / 5".
    assert "Role fit: not scored (not enough evidence)" in text and "0 / 5" not in text
    assert "01:02 Candidate: “I checked the load balancer logs first.”" in text
    # Each answer: the question, the sentence it is cited by, the key points matched and missed.
    assert "Q1 (00:42) How would you find a slow query?" in text
    assert "Cited: 00:48 “I would run EXPLAIN ANALYZE on it.”" in text
    assert "Matched: Read the query plan." in text
    assert "Missed: Check for missing indexes." in text
    assert "Interrupted the interviewer 6 times." in text[text.index("Risk flags") :]
    assert pdf == interview_pdf(interview_export(db, org_id=org.org_id, job_id=job.id))


def test_interview_pdf_of_unclear_speakers_says_nothing_was_scored(db):
    org = make_org()
    unscored = {
        "assessment": {
            "summary": "Interview for the Support Engineer role: not scored.",
            "recommendation": None,
            "scored": False,
            "scores": {},
            "answers": [],
            "red_flags": ["Speakers unclear: one voice. Please confirm the speakers' roles."],
            "confidence": 0.0,
        }
    }
    job = _interview(db, org.org_id, result=unscored)
    job.reviewer_id, job.review_recommendation = "rita@example.com", "hold"
    job.review_note = "Asked for a second call."
    db.flush()
    text = _text(interview_pdf(interview_export(db, org_id=org.org_id, job_id=job.id)))
    assert "Recommendation Hold" in text and "Confidence —" in text
    assert "Reviewer's decision: rita@example.com" in text
    assert "Reviewer's note Asked for a second call." in text
    assert "Speakers unclear: the interviewer and the candidate could not be told apart" in text
    assert "No competency could be scored." in text
