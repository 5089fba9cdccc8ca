"""Generated questions' guides work with the real interview assessment: for a system design, a
behavioural and a role question the offline generator wrote for a senior backend job, a good
answer scores higher than a vague one and than one that states a misconception, judged by the
default judge (key points and misconceptions with the bundled sentence model)."""

from __future__ import annotations

from typing import Any

import pytest

from backend.services.pipeline.question_generation import plan_questions
from tests.workers.evaluation.test_interview_assessment import (
    CANDIDATE,
    INTERVIEWER,
    build,
    embedder_for_tests,
    run,
)
from workers.interviews.assessment.transcript import question_text

JOB = {
    "seed": "job-1",
    "title": "Senior Backend Engineer",
    "desc": (
        "Build our payments platform in Python. You will design event pipelines on Kafka and "
        "own the PostgreSQL schema. 6+ years of professional experience."
    ),
}
# The generated question of each category, and a good, a vague and a wrong answer to it.
ANSWERS: dict[str, dict[str, str]] = {
    "system_design": {
        "question": "Sketch the architecture of a multi-tenant API built with Python and "
        "PostgreSQL. How does it scale to ten times today's traffic, and what breaks first?",
        "good": (
            "The tenant id comes from the access token, and each table in PostgreSQL has a "
            "tenant_id column with row-level security, so a query can only see its own "
            "tenant's rows. The Python API servers keep no state, so we can run more of them "
            "behind the load balancer, with PgBouncer pooling the connections to PostgreSQL. "
            "At ten times the traffic the database is what breaks first, so I would add read "
            "replicas and a Redis cache, and later partition the largest tables by tenant. A "
            "rate limit per tenant keeps one busy customer from slowing everyone else down."
        ),
        "vague": (
            "It depends on a lot of factors, to be honest. In general I would follow best "
            "practices and pick the right tools, and design it properly so it scales. Various "
            "things could break first, depending on the situation."
        ),
        "wrong": (
            "I would add more API servers behind the load balancer, and the database just "
            "scales by itself, so ten times the traffic is no problem. Every tenant should get "
            "its own separate database server, that is always the best design."
        ),
    },
    "behavioural": {
        "question": "Tell me about a technical decision involving Kafka that you had to "
        "explain to people who were not engineers.",
        "good": (
            "Last year I had to convince our product managers and the finance director that we "
            "should move payment events from nightly cron jobs to Kafka. I explained the Kafka "
            "change in their terms: two weeks of work, far less risk of a lost payment, and "
            "customers seeing their payment status within seconds instead of the next day. I "
            "left out partitions and offsets completely. They understood the decision, agreed "
            "to put it in the next quarter, and we shipped it in March."
        ),
        "vague": (
            "Yeah, I explain things to people in general, it depends on the audience. Usually I "
            "keep it simple and follow best practices for communication, things like that."
        ),
        "wrong": (
            "People who are not engineers do not really need to understand technical "
            "decisions, so I just told them what we would do. The team decided together and I "
            "went along with it."
        ),
    },
    "role": {
        "question": "How do you keep data in PostgreSQL consistent when a request updates "
        "several records and one step fails?",
        "good": (
            "I put all the updates of the request in a single PostgreSQL transaction, so "
            "either every change commits or the whole thing rolls back and nothing is half "
            "written. Foreign keys and unique constraints in PostgreSQL guard consistency as "
            "well, and the request carries an idempotency key so a retry does not apply twice. "
            "If one step has to call another service, I write an outbox row in the same "
            "transaction and publish the event only after the commit."
        ),
        "vague": (
            "You have to be careful with consistency, it is a big topic. It depends on the "
            "situation, and generally you handle it properly with best practices."
        ),
        "wrong": (
            "I update the records one by one without a transaction, because failures are rare "
            "anyway. If something fails halfway we fix the data by hand later."
        ),
    },
}


@pytest.fixture(scope="module")
def bank() -> list[dict[str, Any]]:
    """The job's generated questions as the assessment receives its question bank."""
    plan = plan_questions(**JOB)
    return [
        {
            "question_text": q.question_text,
            "category": q.category,
            "key_points": list(q.key_points),
            "misconceptions": list(q.misconceptions),
            "levels": q.levels,
        }
        for q in plan.questions
    ]


@pytest.fixture(scope="module")
def scores(bank) -> dict[str, dict[str, dict[str, Any]]]:
    embedder = embedder_for_tests()
    judged: dict[str, dict[str, dict[str, Any]]] = {}
    for category, texts in ANSWERS.items():
        judged[category] = {}
        for kind in ("good", "vague", "wrong"):
            transcript = build(
                [(INTERVIEWER, "Next one. " + texts["question"]), (CANDIDATE, texts[kind])]
            )
            (answer,) = run(embedder, transcript, questions=bank)["answers"]
            judged[category][kind] = answer
    return judged


def test_the_generated_questions_are_the_ones_answered(bank):
    asked = {q["category"]: q["question_text"] for q in bank}
    for category, texts in ANSWERS.items():
        assert asked[category] == texts["question"]


@pytest.mark.parametrize("category", list(ANSWERS))
def test_a_good_answer_beats_a_vague_and_a_wrong_one(scores, bank, category):
    good, vague, wrong = (scores[category][kind] for kind in ("good", "vague", "wrong"))
    assert good["matched_question"] == ANSWERS[category]["question"]
    assert good["score"] >= 4 and good["verdict"] == "correct", good
    assert good["score"] > vague["score"] and good["score"] > wrong["score"]
    assert vague["score"] <= 2 and vague["verdict"] in ("vague", "missed"), vague
    # The wrong answer is caught stating one of the question's own misconceptions.
    own = next(q["misconceptions"] for q in bank if q["category"] == category)
    assert wrong["misconceptions"] and wrong["misconceptions"][0]["misconception"] in own, wrong


def test_a_question_set_up_by_a_scenario_keeps_it_and_finds_its_guide():
    asked = question_text(
        "Next one. Consumers reading from Kafka are falling behind. How do you find the "
        "bottleneck, and what would you try first?"
    )
    assert asked.startswith("Consumers reading from Kafka")
    assert question_text("Thanks for joining. Can you tell me about it?") == (
        "Can you tell me about it?"
    )
