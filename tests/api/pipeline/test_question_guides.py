"""Every question the offline generator can ask says what a good answer contains: key points and
misconceptions for each template, filled with the same skills as the question it goes with."""

from __future__ import annotations

import re

import pytest

from backend.services.pipeline.question_generation import all_templates, plan_questions
from backend.services.pipeline.question_guides import GUIDES

PLACEHOLDER = re.compile(r"\{(\w+)\}")

# Jobs that reach every slot: all levels, every role family, and a job without known skills.
JOBS = [
    ("Senior Backend Engineer", "Python, Kafka, PostgreSQL, Redis, Docker, AWS. 6+ years."),
    ("Junior Frontend Developer", "React, TypeScript, CSS, accessibility, Jest."),
    ("Staff Data Engineer", "Apache Spark, Airflow, Kafka, SQL, dbt, Python, Terraform."),
    ("Lead Machine Learning Engineer", "PyTorch, LLMs, Python, Kubernetes, mentoring."),
    ("Mobile Developer", "Flutter, Kotlin, Swift, Firebase, offline-first apps. 3 years."),
    ("Site Reliability Engineer", "Kubernetes, Terraform, Prometheus, Go, on-call. 5 years."),
    ("QA Engineer", "Playwright, Cypress, Selenium, Java, test automation."),
    ("Application Security Engineer", "OWASP, threat modelling, Java, Spring Boot, OAuth."),
    ("Full Stack Developer", "Vue.js, Node.js, MongoDB, GraphQL, communication skills."),
    ("Office Manager", "Keep the office running and welcome visitors."),
]


def test_every_template_has_a_guide_with_key_points_and_misconceptions():
    templates = all_templates()
    assert len(templates) == len({t.text for t in templates}) >= 160
    missing = [t.text for t in templates if t.text not in GUIDES]
    assert not missing, missing
    for template in templates:
        key_points, misconceptions = GUIDES[template.text]
        assert 2 <= len(key_points) <= 4, template.text
        assert 1 <= len(misconceptions) <= 2, template.text
        assert all(len(s.split()) >= 5 for s in (*key_points, *misconceptions)), template.text
        # A guide names only what its question names (the job title is always known).
        allowed = set(PLACEHOLDER.findall(template.text)) | {"title"}
        used = {p for s in (*key_points, *misconceptions) for p in PLACEHOLDER.findall(s)}
        assert used <= allowed, (template.text, used - allowed)
    # No guide is left over from a template that was reworded or removed.
    assert set(GUIDES) == {t.text for t in templates}


@pytest.mark.parametrize(("title", "desc"), JOBS)
def test_every_generated_question_carries_a_filled_guide(title, desc):
    plan = plan_questions(seed=title, title=title, desc=desc)
    assert plan.questions
    for question in plan.questions:
        assert len(question.key_points) >= 2, question.question_text
        assert question.misconceptions, question.question_text
        for sentence in (*question.key_points, *question.misconceptions):
            assert "{" not in sentence and "}" not in sentence, sentence


def test_a_guide_names_the_skills_its_question_names():
    plan = plan_questions(
        seed="job-guides",
        title="Senior Backend Engineer",
        desc="Build our payments platform in Python on Kafka and PostgreSQL. 6+ years.",
    )
    by_category = {q.category: q for q in plan.questions}
    design = by_category["system_design"]
    guide = " ".join(design.key_points)
    named = [s for s in ("Python", "Kafka", "PostgreSQL") if s in design.question_text]
    assert named and all(skill in guide for skill in named), (design.question_text, guide)
    behavioural = by_category["behavioural"]
    skill = next(s for s in ("Python", "Kafka", "PostgreSQL") if s in behavioural.question_text)
    assert any(skill in point for point in behavioural.key_points)
