"""The interview journey in the browser: a candidate answers two questions through Chromium's
fake microphone (an espeak-ng recording), a real Huey worker transcribes and assesses the
answers with the real models, and the recruiter watches the job reach "Completed" on its page
without reloading and reads the report. Also: an interview sent as text with its speakers' roles
the wrong way round, which the recruiter swaps on the report to have it re-scored; the model
status page.

The job posting and its questions are made through the real services in a subprocess on the
app's own database (the app's environment), as an integrator's calls would make them; the
recruiter adds the application, starts the interview and copies its link on the job's page, and
plays the candidate's first answer on the report.
"""

from __future__ import annotations

import io
import re

import httpx
import pypdf
from playwright.sync_api import Page, expect

from tests.e2e.flows import sign_up
from tests.e2e.server import REPO_ROOT, RunningApp

SCREENSHOTS = REPO_ROOT / "test-results"
# Two speakers, one per channel (../shared/data/audio/README.md).
STEREO_INTERVIEW = REPO_ROOT.parent / "shared" / "data" / "audio" / "stereo_diarization.wav"
ROLE = "Platform Engineer"
QUESTIONS = [
    "How would you design a service that must never lose a request?",
    "How do you know that your change made the system faster?",
]
# The worker loads faster-whisper, the CAM++ speaker model and the sentence model on its first job.
PROCESSING_TIMEOUT_MS = 300_000
ANSWER_SECONDS = 6


# -- run inside the app's environment ------------------------------------------------------------


def seed_job(*, member_email: str, role: str, questions: list[str]) -> dict[str, str]:
    """A job posting with ``questions``; returns its id."""
    from sqlmodel import select

    from backend.db import session_scope
    from backend.models import Member
    from backend.models.pipeline import JobCreate, QuestionCreate
    from backend.services.pipeline.jobs import create_job
    from backend.services.pipeline.questions import create_question

    with session_scope() as session:
        org_id = session.exec(select(Member).where(Member.email == member_email)).one().org_id
        job = create_job(
            session,
            org_id=org_id,
            data=JobCreate.model_validate(
                {
                    "title": role,
                    "desc": "Run Python services on PostgreSQL with queues and workers.",
                    "industry": "Software",
                    "state_name": "Lisbon District",
                    "country": "Portugal",
                    "recruiter_name": "Rita Recruiter",
                    "recruiter_email": "rita@example.com",
                    "recruiter_work_phone_no": "+351 21 000 0000",
                    "status": "Active",
                    "source_id": "e2e-platform-1",
                }
            ),
        )
        for index, text in enumerate(questions):
            create_question(
                session,
                org_id=org_id,
                job_id=job.id,
                data=QuestionCreate(question_text=text, source_id=f"e2e-q{index}"),
            )
        return {"job_id": job.id}


def keep_interview_inputs(*, member_email: str) -> bool:
    """The organisation's retention setting: keep recordings after processing."""
    from sqlmodel import select

    from backend.db import session_scope
    from backend.models import Member, Organization

    with session_scope() as session:
        org_id = session.exec(select(Member).where(Member.email == member_email)).one().org_id
        org = session.get(Organization, org_id)
        org.keep_interview_inputs = True
        session.add(org)
        session.commit()
    return True


# Dana asks and Sam answers, sent with the roles the wrong way round (the pipeline flags it).
SWAPPED_TRANSCRIPT = [
    {"speaker": "Dana", "role": "candidate", "text": "Thanks for joining us today."},
    {"speaker": "Dana", "text": "How would you make a payment endpoint safe to retry?"},
    {
        "speaker": "Sam",
        "role": "interviewer",
        "text": "The client sends an idempotency key with every request. The server stores the "
        "key with the result and returns it for a repeated key, so a retry never charges twice.",
    },
    {"speaker": "Dana", "text": "When would you use a message queue instead of a direct call?"},
    {
        "speaker": "Sam",
        "text": "I use a queue if the caller does not need the answer right away: a worker "
        "takes the message later and retries it if it fails.",
    },
    {"role": "candidate", "text": "Great, thank you, that is all from me."},
]


def submit_transcript(*, member_email: str, role: str, transcript: list[dict]) -> dict[str, str]:
    """An interview sent as text by an integrator (``POST /recruitscreen/jobs`` with JSON)."""
    from sqlmodel import select

    from backend.db import session_scope
    from backend.models import Member
    from backend.services.interviews.submission import dispatch_job
    from backend.services.interviews.transcripts import TranscriptSubmission
    from backend.services.interviews.transcripts import submit_transcript as submit

    sent = TranscriptSubmission.model_validate({"role_title": role, "transcript": transcript})
    with session_scope() as session:
        org_id = session.exec(select(Member).where(Member.email == member_email)).one().org_id
        job = submit(session, org_id=org_id, submission=sent)
        job_id = job.id
    dispatch_job(job_id)
    return {"job_id": job_id}


def _record_answer(candidate: Page, seconds: float) -> None:
    """Press Record, let the fake microphone speak for ``seconds``, press Stop."""
    candidate.locator("#start-recording").click()
    expect(candidate.locator("#stop-recording")).to_be_visible()
    # The level meter moves while the microphone hears the recording.
    candidate.wait_for_function(
        "parseFloat(document.getElementById('level-meter-bar').style.width) > 0"
    )
    candidate.wait_for_timeout(seconds * 1000)
    candidate.locator("#stop-recording").click()
    expect(candidate.locator("#send-answer")).to_be_visible()


def _wait_for_the_report(page: Page) -> None:
    """Follow the job on its page, without reloading, until it ends; it must have completed."""
    status = page.locator("#job-status")
    expect(status).to_have_text(re.compile("^(Completed|Failed)$"), timeout=PROCESSING_TIMEOUT_MS)
    failure = page.locator("#job-failure")
    assert status.inner_text().strip() == "Completed", (
        failure.inner_text() if failure.count() else ""
    )


# -- tests ---------------------------------------------------------------------------------------


def test_candidate_answers_through_the_microphone_and_the_recruiter_reads_the_report(
    page: Page, microphone_context, worker, app: RunningApp
):
    account = sign_up(page)
    job_id = app.call(
        "tests.e2e.test_interviews:seed_job",
        member_email=account.email,
        role=ROLE,
        questions=QUESTIONS,
    )["job_id"]

    # The recruiter adds the application on the job's page and starts the interview.
    page.goto(f"/jobs/{job_id}")
    expect(page.get_by_text("No applications yet")).to_be_visible()
    page.locator("#add-application").click()
    page.locator("#applicant-name").fill("Casey Candidate")
    page.locator("#applicant-email").fill("casey@example.com")
    page.locator("#add-application-form").get_by_role("button", name="Add application").click()
    row = page.locator(".application-row", has_text="Casey Candidate")
    expect(row).to_contain_text("casey@example.com")
    row.locator(".start-interview").click()
    started = page.locator("#interview-started")
    expect(started).to_contain_text("Interview started for Casey Candidate")
    # Mail is off by default: the page says no email went, and the link is there to copy.
    expect(page.locator("#interview-invite")).to_contain_text("mail is off")
    expect(row.locator(".call-status")).to_have_text("Not started")
    expect(row.locator(".invite-delivery")).to_contain_text("mail is off")
    link = page.locator("#interview-link").inner_text().strip()
    assert re.fullmatch(re.escape(app.base_url) + r"/interview/[\w-]+", link), link
    page.locator("#copy-interview-link").click()
    assert page.evaluate("navigator.clipboard.readText()") == link
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "interview-started.png"), full_page=True)

    # The candidate opens the link and learns what is recorded and how it is evaluated first.
    candidate = microphone_context().new_page()
    candidate.goto(link)
    expect(candidate.locator("#interview-role")).to_have_text(ROLE)
    notice = candidate.locator("#recording-notice")
    expect(notice).to_contain_text("Only the audio of your answers")
    expect(notice).to_contain_text("Automated tools transcribe your answers")
    candidate.locator("#ask-alternative").click()
    expect(candidate.locator("#alternative-form")).to_be_visible()  # the other way is offered
    candidate.locator("#start-interview").click()
    expect(candidate.locator("#interview-error")).to_contain_text("Please confirm")
    candidate.locator("#consent-checkbox").click()
    candidate.locator("#start-interview").click()

    # Question 1: a first take, discarded with "Record again", then the answer that is sent.
    expect(candidate.locator("#question-position")).to_have_text("Question 1 of 2")
    expect(candidate.locator("#question-text")).to_have_text(QUESTIONS[0])
    _record_answer(candidate, 1)
    candidate.locator("#record-again").click()
    expect(candidate.locator("#send-answer")).to_be_hidden()
    _record_answer(candidate, ANSWER_SECONDS)
    expect(candidate.locator("#answer-take")).to_contain_text("Listen to it before sending")
    SCREENSHOTS.mkdir(exist_ok=True)
    candidate.screenshot(path=str(SCREENSHOTS / "interview-candidate.png"), full_page=True)
    candidate.locator("#send-answer").click()
    expect(candidate.locator("#answered")).to_have_text("1 answered")

    # Question 2 follows on its own.
    expect(candidate.locator("#question-text")).to_have_text(QUESTIONS[1])
    _record_answer(candidate, ANSWER_SECONDS)
    candidate.locator("#send-answer").click()
    expect(candidate.locator("#answered")).to_have_text("2 answered")
    candidate.locator("#finish-interview").click()
    expect(candidate.locator("#interview-done")).to_contain_text("your answers are sent")

    # The recruiter sees the interview on the application and opens its report from there.
    page.reload()
    expect(row.locator(".call-status")).to_have_text(re.compile("^(Processing|Completed)$"))
    row.locator(".open-report").click()
    expect(page).to_have_url(re.compile(r"/interviews/job_[0-9a-f]{20}/?$"))
    expect(page.locator("#interview-heading")).to_have_text("Casey Candidate")
    expect(page.locator("#interview-role")).to_contain_text(ROLE)
    expect(page.locator("#job-progress .job-event").first).to_contain_text("Queued")

    # The page follows the worker: no reload until the report is there.
    _wait_for_the_report(page)
    expect(page.locator("#verdict")).to_be_visible()
    expect(page.locator("#recommendation")).to_have_text(re.compile(r"^(Advance|Hold|Reject)$"))

    # Speaker-labelled transcript: each question (the interviewer) before its answer.
    lines = page.locator(".transcript-line")
    interviewer = page.locator(".transcript-line[data-role=interviewer]")
    answers = page.locator(".transcript-line[data-role=candidate]")
    expect(interviewer).to_have_count(2)
    expect(interviewer.first.locator(".transcript-role")).to_have_text("Interviewer")
    expect(interviewer.first).to_contain_text(QUESTIONS[0])
    expect(answers.first.locator(".transcript-role")).to_have_text("Candidate")
    expect(answers.first).to_contain_text(re.compile(r"queue|request|service|worker", re.I))
    expect(lines.first).to_have_attribute("data-role", "interviewer")
    # Each answer is kept (until retention deletes it) and plays beside its transcript.
    expect(page.locator("#recording-unavailable")).to_contain_text("one recording per answer")
    played = page.locator("#answers .interview-answer")
    expect(played).to_have_count(2)
    first = played.first
    expect(first.locator(".answer-question")).to_have_text(QUESTIONS[0])
    expect(first.locator(".answer-transcript")).to_contain_text(
        re.compile(r"queue|request|service|worker", re.I)
    )
    audio = first.locator("audio.answer-audio")
    src = audio.get_attribute("src")
    assert src and src.endswith("/answers/0/audio"), src
    heard = page.request.get(src)
    assert heard.status == 200 and heard.headers["content-type"].startswith("audio/")
    assert len(heard.body()) > 1000
    assert httpx.get(app.base_url + src).status_code == 401  # without the session cookie
    audio.click()  # the member's gesture; then play, as the player's button does
    audio.evaluate("a => a.paused && a.play()")
    page.wait_for_function(
        "() => { const a = document.querySelector('#answers audio.answer-audio');"
        " return a.readyState > 0 && !a.paused; }"
    )
    page.screenshot(path=str(SCREENSHOTS / "interview-answers.png"), full_page=True)
    # Clicking a line marks it, even without a single recording to play.
    answers.first.click()
    expect(answers.first).to_have_class(re.compile(r"transcript-active"))

    # Metrics as charts, competency scores, and the submittal note.
    expect(page.locator("#talk-ratio-chart .recharts-bar-rectangle")).to_have_count(2)
    scores = page.locator(".competency-score")
    expect(scores.first).to_be_visible()
    expect(scores.first.locator(".score")).to_have_text(re.compile(r"^[1-5] / 5$"))
    expect(scores.first.locator(".score-rationale")).not_to_be_empty()
    expect(page.locator("#submittal-note")).to_have_text(re.compile(r"\w+ \w+ \w+"))
    expect(page.locator("#next-questions")).to_be_visible()
    expect(page.locator("#red-flags")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "interview-report.png"), full_page=True)

    # A person decides: confirming keeps the recommendation and records who decided.
    page.locator("#save-review").click()
    decision = page.locator("#review-decision")
    expect(decision).to_contain_text("confirms the automated")
    expect(decision).to_contain_text(account.email)
    expect(page.locator("#reject-proposal")).to_have_count(0)


def test_an_uploaded_recording_plays_in_step_with_its_transcript(
    page: Page, worker, app: RunningApp
):
    account = sign_up(page)
    app.call("tests.e2e.test_interviews:keep_interview_inputs", member_email=account.email)
    page.get_by_role("link", name="Interviews", exact=True).click()
    expect(page.get_by_text("No interviews yet")).to_be_visible()
    page.locator("#interview-role-title").fill("Support Engineer")
    page.locator("#interview-upload input[type=file]").set_input_files(str(STEREO_INTERVIEW))
    expect(page.locator(".selected-recording")).to_have_text(STEREO_INTERVIEW.name)
    page.locator("#interview-upload-button").click()
    expect(page).to_have_url(re.compile(r"/interviews/job_[0-9a-f]{20}/?$"))
    job_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    _wait_for_the_report(page)

    # One speaker per channel, each labelled with a role.
    roles = page.locator(".transcript-line .transcript-role")
    expect(roles.filter(has_text="Interviewer").first).to_be_visible()
    expect(roles.filter(has_text="Candidate").first).to_be_visible()

    # The organisation keeps recordings: the player streams it, in ranges, to members only.
    audio = page.locator("#interview-audio")
    expect(audio).to_be_visible()
    src = audio.get_attribute("src")
    assert src == f"/api/v1/web/interviews/{job_id}/audio"
    part = page.request.get(src, headers={"Range": "bytes=0-99"})
    assert part.status == 206 and len(part.body()) == 100
    assert part.body().startswith(b"RIFF")
    assert httpx.get(app.base_url + src).status_code == 401  # without the session cookie

    # "Download PDF" hands over the report as a PDF, to members only.
    pdf_href = page.locator("#interview-pdf").get_attribute("href")
    assert pdf_href == f"/api/v1/web/interviews/{job_id}/report.pdf"
    pdf = page.request.get(pdf_href)
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    assert "Support Engineer" in " ".join(
        p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.body())).pages
    )
    assert httpx.get(app.base_url + pdf_href).status_code == 401

    # Clicking a line seeks the recording to it, plays from there and marks the line.
    lines = page.locator(".transcript-line")
    starts = [float(v) for v in lines.evaluate_all("els => els.map(e => e.dataset.start)")]
    latest = max(range(len(starts)), key=starts.__getitem__)
    lines.nth(latest).click()
    expect(lines.nth(latest)).to_have_class(re.compile(r"transcript-active"))
    page.wait_for_function(
        "start => { const a = document.getElementById('interview-audio');"
        " return !a.paused && a.currentTime >= start - 0.05; }",
        arg=starts[latest],
    )
    page.screenshot(path=str(SCREENSHOTS / "interview-upload-report.png"), full_page=True)

    # Back on the list, the interview shows its state and source.
    page.get_by_role("link", name="All interviews").click()
    row = page.locator(".interview-row", has_text="Support Engineer")
    expect(row.locator(".interview-status")).to_have_text("Completed")
    expect(row).to_contain_text("Upload")


def _choose_role(page: Page, speaker: str, option: str) -> None:
    page.locator(f".speaker-row[data-speaker='{speaker}'] .speaker-role-select").click()
    page.get_by_role("option", name=option, exact=True).click()


def test_the_recruiter_swaps_the_speakers_roles_and_the_report_is_rescored(
    page: Page, worker, app: RunningApp
):
    account = sign_up(page)
    job_id = app.call(
        "tests.e2e.test_interviews:submit_transcript",
        member_email=account.email,
        role="Backend Engineer",
        transcript=SWAPPED_TRANSCRIPT,
    )["job_id"]
    page.goto(f"/interviews/{job_id}")
    _wait_for_the_report(page)

    # Sent the wrong way round: not scored, and the speakers are flagged.
    expect(page.locator("#red-flags")).to_contain_text("Speakers unclear")
    rows = page.locator("#speakers .speaker-row")
    expect(rows).to_have_count(3)
    dana = page.locator(".speaker-row[data-speaker='Dana']")
    expect(dana.locator(".speaker-role")).to_have_text("Candidate")
    expect(dana.locator(".speaker-first-words")).to_contain_text("Thanks for joining us")
    expect(dana.locator(".speaker-share")).to_have_text(re.compile(r"^\d+ %$"))
    expect(page.locator("#roles-confirmed")).to_have_count(0)

    # The recruiter swaps the roles, says the role-only line is Dana's, and re-scores.
    _choose_role(page, "Dana", "Interviewer")
    _choose_role(page, "Sam", "Candidate")
    _choose_role(page, "SPEAKER_01", "Same person as Dana")
    page.locator("#save-speakers").click()

    # The page follows the re-scoring, then shows the new roles and scores.
    expect(page.locator("#roles-confirmed")).to_contain_text(
        f"Roles confirmed by {account.name}", timeout=PROCESSING_TIMEOUT_MS
    )
    expect(page.locator("#rescoring")).to_have_count(0)
    expect(rows).to_have_count(2)
    expect(dana.locator(".speaker-role")).to_have_text("Interviewer")
    expect(page.locator(".speaker-row[data-speaker='Sam'] .speaker-role")).to_have_text("Candidate")
    answers = page.locator(".transcript-line[data-role=candidate]")
    expect(answers).to_have_count(2)
    expect(answers.first).to_contain_text("idempotency key")
    expect(page.locator("#red-flags")).not_to_contain_text("Speakers unclear")
    expect(page.locator("#recommendation")).to_have_text(re.compile(r"^(Advance|Hold|Reject)$"))
    expect(page.locator(".competency-score").first).to_be_visible()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "interview-speakers.png"), full_page=True)

    # Overriding without a note is refused on the note, and the chosen recommendation stays.
    page.get_by_role("radio", name="Override it").click()
    page.locator("#review-recommendation").click()
    page.get_by_role("option", name="Hold").click()
    page.locator("#save-review").click()
    expect(page.locator("#review-note-error")).to_have_text(
        "Say why you override the recommendation."
    )
    expect(page.locator("#review-recommendation")).to_have_text("Hold")
    page.locator("#review-form textarea[name=note]").fill("Strong on idempotency; check scale.")
    page.locator("#save-review").click()
    expect(page.locator("#review-decision")).to_contain_text("Hold")
    expect(page.locator("#review-decision")).to_contain_text("Strong on idempotency")
    expect(page.locator("#review-note-error")).to_have_count(0)


def test_model_status_page(page: Page):
    sign_up(page)
    page.get_by_role("link", name="Models", exact=True).click()
    expect(page).to_have_url(re.compile(r"/models/?$"))
    expect(page.get_by_role("heading", name="Models")).to_be_visible()
    depths = page.locator("#queue-depths .queue-depth")
    expect(depths).to_have_count(3)
    expect(depths.first).to_contain_text("Queued")
    # Either a worker's models are listed, or the page says none reported (and why it matters).
    expect(page.locator("#degraded, #operational")).to_be_visible()
    expect(page.locator("#models-table, :text('No worker has reported')").first).to_be_visible()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "models.png"), full_page=True)
