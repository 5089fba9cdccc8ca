"""The dashboard's attention panels, on real rows: what waits for review (overdue first), which
interviews wait for a decision, which invites never left, and which keys expire soon."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, update

from backend.models import CandidateKey
from backend.models.assessments import AssessmentCreate, KeysCreate
from backend.models.base import utcnow
from backend.models.evaluations import Evaluation, EvaluationCreate
from backend.models.interviews import InterviewJob
from backend.services.assessments import create_assessment
from backend.services.attention import attention_overview
from backend.services.candidate_keys import generate_keys, list_keys
from backend.services.evaluations import submission
from tests.helpers import make_org


def _evaluation(db, org_id: str, ref: str, tier: str, *, stage: str = "awaiting_review") -> str:
    data = EvaluationCreate.model_validate(
        {
            "candidate_ref": ref,
            "target_role": "Backend Engineer",
            "target_level": "senior",
            "sla_tier": tier,
            "artefact": {"type": "github_repo", "url": f"https://git.example.com/{ref}.git"},
        }
    )
    evaluation_id = submission.submit_evaluation(db, org_id=org_id, data=data).id
    db.exec(update(Evaluation).where(col(Evaluation.id) == evaluation_id).values(stage=stage))
    db.commit()
    return evaluation_id


def _assessment(db, org_id: str, title: str) -> str:
    data = AssessmentCreate(title=title, role="Eng", task_brief="Build a queue.")
    return create_assessment(db, org_id=org_id, data=data).id


def test_review_queue_puts_marked_then_overdue_first_and_stays_in_its_organisation(db):
    org, other = make_org(), make_org()
    standard = _evaluation(db, org.org_id, "CAND-STANDARD", "standard")
    express = _evaluation(db, org.org_id, "CAND-EXPRESS", "express")
    _evaluation(db, org.org_id, "CAND-RUNNING", "express", stage="analysing")
    _evaluation(db, other.org_id, "CAND-OTHER", "express")
    marked = _evaluation(db, org.org_id, "CAND-MARKED", "standard", stage="review")
    db.exec(
        update(Evaluation)
        .where(col(Evaluation.id) == marked)
        .values(status="in_progress", attention="A later submission matched this one.")
    )
    db.commit()

    # Three hours on: the express one (due in 2 h) is overdue, the standard one (24 h) is not.
    panel = attention_overview(db, org_id=org.org_id, now=utcnow() + timedelta(hours=3))
    queue = panel.awaiting_review
    assert [item.evaluation_id for item in queue.items] == [marked, express, standard]
    assert queue.total == 3
    assert [item.overdue for item in queue.items] == [False, True, False]
    express_item = queue.items[1]
    assert express_item.due_at - express_item.created_at == timedelta(hours=2)
    assert queue.items[0].attention == "A later submission matched this one."


def test_a_submission_from_an_invite_waits_under_the_invited_persons_name(db):
    org = make_org()
    assessment_id = _assessment(db, org.org_id, "Queue service")
    [key] = generate_keys(
        db,
        org_id=org.org_id,
        assessment_id=assessment_id,
        data=KeysCreate(
            count=1, candidate_emails=["grace@example.com"], candidate_names=["Grace Hopper"]
        ),
    )
    _evaluation(db, org.org_id, key.key, "standard")
    _evaluation(db, org.org_id, "CAND-API", "standard")

    items = attention_overview(db, org_id=org.org_id).awaiting_review.items
    assert {item.candidate.display for item in items} == {"Grace Hopper", "CAND-API"}


def test_finished_interviews_without_a_decision_are_ready(db):
    org = make_org()
    done = InterviewJob(
        org_id=org.org_id, role_title="Data Engineer", status="completed", finished_at=utcnow()
    )
    decided = InterviewJob(
        org_id=org.org_id,
        role_title="Decided",
        status="completed",
        finished_at=utcnow(),
        reviewed_at=utcnow(),
        review_recommendation="proceed",
    )
    running = InterviewJob(org_id=org.org_id, role_title="Running", status="queued")
    db.add_all([done, decided, running])
    db.commit()

    ready = attention_overview(db, org_id=org.org_id).interviews_ready
    assert [item.job_id for item in ready.items] == [done.id]
    assert ready.total == 1


def test_undelivered_invites_and_keys_about_to_expire(db):
    org, other = make_org(), make_org()
    assessment_id = _assessment(db, org.org_id, "Queue service")
    generate_keys(
        db,
        org_id=org.org_id,
        assessment_id=assessment_id,
        data=KeysCreate(count=3, candidate_emails=["a@example.com", "b@example.com", "c@x.com"]),
    )
    generate_keys(db, org_id=org.org_id, assessment_id=assessment_id, data=KeysCreate(count=1))
    keys = {
        k.candidate_email: k for k in list_keys(db, org_id=org.org_id, assessment_id=assessment_id)
    }
    now = utcnow()
    for email, expires in ((None, now + timedelta(hours=24)), ("c@x.com", now + timedelta(days=5))):
        db.exec(
            update(CandidateKey)
            .where(col(CandidateKey.id) == keys[email].id)
            .values(expires_at=expires)
        )
    sent = keys["b@example.com"]
    db.exec(update(CandidateKey).where(col(CandidateKey.id) == sent.id).values(invite_sent_at=now))
    db.commit()

    overview = attention_overview(db, org_id=org.org_id)
    invites = overview.invites_not_delivered
    # Mail is off in the tests: the invites wait in the outbox, not sent.
    assert invites.total == 2
    assert {item.candidate_email for item in invites.items} == {"a@example.com", "c@x.com"}
    assert {item.delivery.state for item in invites.items} == {"not_sent"}
    assert {item.assessment_title for item in invites.items} == {"Queue service"}

    expiring = overview.keys_expiring
    assert [item.key_id for item in expiring.items] == [keys[None].id]  # 24 h: shown; 5 days: not
    assert expiring.total == 1

    nothing = attention_overview(db, org_id=other.org_id)
    assert nothing.invites_not_delivered.total == 0
    assert nothing.keys_expiring.total == 0
