"""An organisation's own settings (the admins' Settings page) where they take effect: the real
retention sweep deletes media by the organisation's shorter period, a real invite email (to a
real local SMTP server, aiosmtpd) carries its sender name and reply-to address, and an
assessment created through the API without a level takes the organisation's default."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import ValidationError
from sqlmodel import Session, select

from backend.db import session_scope
from backend.models import OutboundEmail
from backend.models.organisation_settings import MediaKind, OrganisationSettingsInput
from backend.services import mail
from backend.services.organisation_settings import read_settings, save_settings
from backend.services.retention_policy import retention_of
from backend.services.settings_test_email import send_test_email
from backend.services.storage import get_storage
from backend.settings import get_settings
from tests.api.assessments.helpers import create_assessment, generate_keys
from tests.api.interviews.helpers import accepted, processed, set_balance
from tests.api.interviews.recordings import JFK, requires_recordings
from tests.api.interviews_calls.conftest import job_questions, token_of
from tests.api.pipeline.builders import API, create_application, create_candidate, create_job
from tests.helpers import OrgHandle, make_org
from tests.mailbox import Mailbox
from truelevel_app.validation import field_errors
from workers import tasks


@pytest.fixture()
def installation(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The installation keeps kept recordings and browser answers 30 days."""
    monkeypatch.setenv("TRUELEVEL_RECORDING_RETENTION_DAYS", "30")
    monkeypatch.setenv("TRUELEVEL_ANSWER_RETENTION_DAYS", "30")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


@pytest.fixture()
def mailbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Mailbox]:
    box = Mailbox().start()
    for name, value in box.env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield box
    box.stop()
    monkeypatch.undo()
    get_settings.cache_clear()


def _save(org: OrgHandle, **fields: object) -> None:
    with session_scope() as session:
        save_settings(
            session,
            org_id=org.org_id,
            data=OrganisationSettingsInput.model_validate(fields),
            by=org.admin_email,
        )


def test_without_saved_settings_the_installation_applies(db: Session, installation):
    org = make_org()
    shown = read_settings(db, org_id=org.org_id)
    # Recordings are deleted after processing unless the organisation keeps inputs (seed 004).
    assert shown.recordings.after_processing and shown.recordings.ceiling_days == 30
    assert shown.answers.choice == "installation" and shown.answers.days == 30
    assert shown.default_target_level == "mid"
    assert shown.mail.sender_name is None and shown.mail.reply_to is None
    assert shown.mail_enabled is False and shown.updated_at is None


def test_a_period_longer_than_the_installation_is_refused_on_its_field(installation):
    with pytest.raises(ValidationError) as refused:
        OrganisationSettingsInput.model_validate(
            {"answer_retention": "days", "answer_retention_days": "31"}
        )
    assert field_errors(refused.value, {"answer_retention_days": "Days"}) == {
        "answer_retention_days": "Enter a number of at most 30."
    }
    with pytest.raises(ValidationError) as missing:
        OrganisationSettingsInput.model_validate({"recording_retention": "days"})
    assert "recording_retention_days" in field_errors(
        missing.value, {"recording_retention_days": "Days"}
    )


def test_an_installation_lowered_below_the_organisation_period_wins(monkeypatch, installation):
    org = make_org()
    _save(org, recording_retention="days", recording_retention_days="20")
    monkeypatch.setenv("TRUELEVEL_RECORDING_RETENTION_DAYS", "10")
    get_settings.cache_clear()
    with session_scope() as session:
        kept = retention_of(session, org_id=org.org_id, kind=MediaKind.recordings)
    assert kept.choice == "days" and kept.days == 10 and kept.ceiling_days == 10


@requires_recordings
def test_the_sweep_deletes_recordings_by_the_organisation_period(client, installation):
    shorter, default = make_org("Keeps 10 days"), make_org("Keeps the installation's")
    for org in (shorter, default):
        set_balance(org, 10)
    _save(shorter, recording_retention="days", recording_retention_days="10")
    _save(default, recording_retention="installation")
    old = processed(accepted(client, shorter)["job_id"], days_ago=11)
    young = processed(accepted(client, shorter)["job_id"], days_ago=9)
    other = processed(accepted(client, default)["job_id"], days_ago=11)

    tasks.minute_sweep()  # the minute sweep

    store = get_storage()
    assert not store.exists(old)
    assert store.exists(young) and store.exists(other)


@requires_recordings
def test_right_after_processing_deletes_kept_recordings_at_the_next_sweep(client, installation):
    org = make_org()
    set_balance(org, 10)
    _save(org, recording_retention="installation")
    key = processed(accepted(client, org)["job_id"], days_ago=0.001)
    _save(org, recording_retention="after_processing")
    tasks.minute_sweep()
    assert not get_storage().exists(key)


@requires_recordings
def test_the_sweep_deletes_browser_answers_by_the_organisation_period(client, installation):
    shorter, default = make_org("Answers 5 days"), make_org("Answers 30 days")
    _save(shorter, answer_retention="days", answer_retention_days="5")
    swept_job, swept = _answered_call(client, shorter)
    _, kept = _answered_call(client, default)

    tasks.minute_sweep()

    store = get_storage()
    assert list(store.keys(swept)) == []
    assert list(store.keys(kept))
    view = client.get(f"{API}/jobs/{swept_job}", headers=shorter.headers).json()
    assert view["input_retained"] is False


def _answered_call(client, org: OrgHandle) -> tuple[str, str]:
    """A browser interview answered and processed 6 days ago: its job and answers' prefix."""
    job = create_job(client, org)
    job_questions(client, org, job["id"], "What did you build last?")
    candidate = create_candidate(client, org)
    application = create_application(client, org, job=job, candidate=candidate)
    call = client.post(f"{API}/applications/{application['id']}/instant-call", headers=org.headers)
    token = token_of(call.json())
    answer = client.put(
        f"{API}/interview-sessions/{token}/answers/0",
        content=JFK.read_bytes(),
        headers={"Content-Type": "audio/flac"},
    )
    assert answer.status_code == 200, answer.text
    job_id = client.post(f"{API}/interview-sessions/{token}/finish").json()["interview_job_id"]
    return job_id, processed(job_id, days_ago=6)


def test_an_invite_email_has_the_organisation_sender_name_and_reply_to(
    client, db: Session, mailbox: Mailbox
):
    org = make_org("Acme")
    _save(org, mail_sender_name="Acme Hiring", mail_reply_to="Jobs@Acme.example")
    assessment = create_assessment(client, org)
    generate_keys(client, org, assessment["id"], candidateEmails=["lin@example.com"])
    mail.deliver_pending(db)

    invite = mailbox.wait_for("lin@example.com", "")
    sender = invite["From"].addresses[0]
    assert (sender.display_name, sender.addr_spec) == ("Acme Hiring", "no-reply@truelevel.local")
    assert invite["Reply-To"] == "Jobs@acme.example"  # the domain in normal form


def test_without_own_mail_settings_an_invite_replies_to_the_first_admin(
    client, db: Session, mailbox: Mailbox
):
    org = make_org()
    assessment = create_assessment(client, org)
    generate_keys(client, org, assessment["id"], candidateEmails=["kim@example.com"])
    mail.deliver_pending(db)
    invite = mailbox.wait_for("kim@example.com", "")
    assert invite["From"].addresses[0].display_name == "truelevel"
    assert invite["Reply-To"] == org.admin_email


def test_the_test_email_reaches_the_admin_as_a_candidate_would_see_it(db: Session, mailbox):
    org = make_org("Globex")
    _save(org, mail_sender_name="Globex Talent", mail_reply_to="talent@globex.example")
    result = send_test_email(db, org_id=org.org_id, to=org.admin_email)
    assert result.state == "sent", result
    arrived = mailbox.wait_for(org.admin_email, "Test email from Globex")
    assert arrived["From"].addresses[0].display_name == "Globex Talent"
    assert arrived["Reply-To"] == "talent@globex.example"


def test_with_mail_off_the_test_email_says_so_and_queues_nothing(db: Session):
    org = make_org()
    result = send_test_email(db, org_id=org.org_id, to=org.admin_email)
    assert result.state == "mail_off"
    queued = db.exec(select(OutboundEmail).where(OutboundEmail.org_id == org.org_id)).all()
    assert queued == []


def test_an_assessment_created_without_a_level_takes_the_organisation_default(client):
    org, other = make_org(), make_org()
    _save(org, default_target_level="senior")
    assert create_assessment(client, org)["targetLevel"] == "senior"
    assert create_assessment(client, org, targetLevel="junior")["targetLevel"] == "junior"
    assert create_assessment(client, org, targetLevel=None)["targetLevel"] == "senior"
    assert create_assessment(client, other)["targetLevel"] == "mid"
