"""Generated interview questions: relevant to each job's skills and level, deterministic,
5–10 without duplicates, saved as the job's questions; and the optional chat-model path
against a real local HTTP server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from backend.services.pipeline.question_generation import (
    infer_level,
    plan_questions,
    required_years,
)
from backend.services.pipeline.skills import extract_skills, vocabulary
from tests.api.pipeline.builders import API, create_job
from tests.helpers import make_org

BACKEND = {
    "title": "Senior Backend Engineer",
    "desc": (
        "Build our payments platform in Python. You will design event pipelines on Kafka and "
        "own the PostgreSQL schema. 6+ years of professional experience."
    ),
}
FRONTEND = {
    "title": "Junior Frontend Developer",
    "desc": "Build accessible interfaces with React and TypeScript, styled with modern CSS.",
}


@pytest.fixture()
def org():
    return make_org()


def generate(client, org, job) -> dict:
    response = client.post(f"{API}/jobs/{job['id']}/questions/generate", headers=org.headers)
    assert response.status_code == 201, response.text
    return response.json()


def mentions(text: str, names: set[str]) -> set[str]:
    return {name for name in names if name.lower() in text.lower()}


def test_two_different_jobs_get_different_relevant_questions(client, org):
    backend = generate(client, org, create_job(client, org, **BACKEND))
    frontend = generate(client, org, create_job(client, org, **FRONTEND))

    backend_skills = {"Python", "PostgreSQL", "Kafka"}
    frontend_skills = {"React", "TypeScript", "CSS"}
    assert backend_skills <= set(backend["skills"])
    assert frontend_skills <= set(frontend["skills"])
    assert (backend["level"], frontend["level"]) == ("senior", "junior")
    assert backend["source"] == frontend["source"] == "templates"

    backend_texts = [q["question_text"] for q in backend["questions"]]
    frontend_texts = [q["question_text"] for q in frontend["questions"]]
    assert not set(backend_texts) & set(frontend_texts)
    # Every question names a concrete skill of its own job, never one of the other job's.
    for text in backend_texts:
        assert mentions(text, set(backend["skills"])), text
        assert not mentions(text, {"React", "TypeScript"}), text
    for text in frontend_texts:
        assert mentions(text, set(frontend["skills"])), text
        assert not mentions(text, {"Kafka", "PostgreSQL", "Python"}), text
    # Each listed skill of the backend job is asked about somewhere.
    for skill in backend_skills:
        assert any(skill in text for text in backend_texts), skill
    for skill in frontend_skills:
        assert any(skill in text for text in frontend_texts), skill
    # System design only for the senior role.
    backend_categories = {q["category"] for q in backend["questions"]}
    frontend_categories = {q["category"] for q in frontend["questions"]}
    assert "system_design" in backend_categories
    assert "system_design" not in frontend_categories
    assert {"technical", "behavioural", "problem_solving", "role"} <= frontend_categories
    assert len(backend_texts) > len(frontend_texts)


def test_generated_questions_are_saved_deterministic_and_replace_earlier_ones(client, org):
    job = create_job(client, org, **BACKEND)
    manual = client.post(
        f"{API}/jobs/{job['id']}/questions",
        json={"question_text": "Are you eligible to work in the EU?", "source_id": "m1"},
        headers=org.headers,
    ).json()
    first = generate(client, org, job)
    second = generate(client, org, job)
    texts = [q["question_text"] for q in first["questions"]]
    assert texts == [q["question_text"] for q in second["questions"]]
    assert 5 <= len(texts) <= 10
    assert len(set(texts)) == len(texts)
    assert all(q["generated"] and q["application_id"] is None for q in second["questions"])
    listed = client.get(
        f"{API}/jobs/{job['id']}/questions", params={"size": 100}, headers=org.headers
    ).json()
    # The written question plus one set of generated ones: regenerating does not pile up.
    assert listed["total"] == 1 + len(texts)
    assert listed["items"][0]["id"] == manual["id"]
    assert {q["id"] for q in listed["items"][1:]} == {q["id"] for q in second["questions"]}


def test_same_text_different_job_id_may_differ_but_stays_relevant():
    seen = set()
    for seed in ("job-a", "job-b", "job-c"):
        plan = plan_questions(seed=seed, **BACKEND)
        seen.add(tuple(q.question_text for q in plan.questions))
        assert 5 <= len(plan.questions) <= 10
    assert len(seen) > 1


@pytest.mark.parametrize(
    ("title", "desc"),
    [
        ("Rust developer", "Rust."),
        ("Office Manager", "Keep the office running smoothly."),
        ("Staff Platform Engineer", "Kubernetes, Terraform, AWS, Prometheus. Mentor engineers."),
        ("Engineering Lead", "Lead a team building Django services with Celery and Redis."),
        (
            "Full Stack Engineer II",
            "Java, Spring Boot, MySQL, Redis, Docker, Jenkins, AWS, React, GraphQL, JUnit, "
            "microservices, REST APIs, Kafka, Snowflake, Airflow, Terraform.",
        ),
    ],
)
def test_every_job_gets_five_to_ten_distinct_questions(title, desc):
    plan = plan_questions(seed="seed", title=title, desc=desc)
    texts = [q.question_text for q in plan.questions]
    assert 5 <= len(texts) <= 10
    assert len(set(texts)) == len(texts)
    assert all("{" not in text for text in texts)
    skills = {s.name for s in plan.skills if s.technical}
    for text in texts:
        assert mentions(text, skills) or (title and title in text), text


def test_a_job_without_title_or_skills_still_gets_questions():
    texts = [q.question_text for q in plan_questions(seed="s", title="", desc="").questions]
    assert len(texts) == 5
    assert all("team member" in text for text in texts)


@pytest.mark.parametrize(
    ("title", "desc", "level"),
    [
        ("Junior Python Developer", "", "junior"),
        ("Software Engineering Intern", "", "junior"),
        ("Software Engineer II", "", "mid"),
        ("Senior Data Engineer", "", "senior"),
        ("Sr. Backend Engineer", "", "senior"),
        ("Staff Engineer", "", "staff"),
        ("Principal Architect", "", "staff"),
        ("Senior Tech Lead", "", "lead"),
        ("Head of Engineering", "", "lead"),
        ("LLM Engineer", "The ideal candidate will have at least 5 years of experience.", "senior"),
        ("Backend Engineer", "3-5 years of experience with Go.", "mid"),
        ("Backend Engineer", "10+ years building distributed systems.", "staff"),
        ("Backend Engineer", "One year of professional experience.", "junior"),
        ("Backend Engineer", "We are a company with 50 years of history.", "mid"),
        ("Backend Engineer", "", "mid"),
    ],
)
def test_infer_level(title, desc, level):
    assert infer_level(title, desc) == level


def test_required_years_prefers_experience_phrases():
    text = "Founded 12 years ago. You bring five years of professional experience."
    assert required_years(text) == 5


def test_skill_aliases():
    found = [
        s.name
        for s in extract_skills(
            "Platform engineer",
            "postgres, k8s, golang, node js, C# and C++, GCP, sklearn. Go ahead and apply; the "
            "rest of the team will spring into action.",
        )
    ]
    for name in ("PostgreSQL", "Kubernetes", "Go", "Node.js", "C#", "C++", "Google Cloud"):
        assert name in found
    assert "scikit-learn" in found
    assert "REST APIs" not in found and "Spring Boot" not in found
    assert "Java" not in extract_skills("", "JavaScript only")


def test_go_is_not_read_from_everyday_english():
    assert [s.name for s in extract_skills("Sales", "Go ahead and go to the office.")] == []


def test_vocabulary_is_broad():
    skills = vocabulary()
    assert len(skills) >= 300
    assert len({s.name for s in skills}) == len(skills)
    assert {s.category for s in skills} >= {
        "language",
        "frontend",
        "backend",
        "database",
        "cloud",
        "practice",
        "soft",
    }


# --- the optional chat model, against a real local server ---------------------------------


class _ChatServer(ThreadingHTTPServer):
    reply: bytes = b""
    status: int = 200
    requests: list[dict]


class _ChatHandler(BaseHTTPRequestHandler):
    server: _ChatServer

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        self.server.requests.append(
            {
                "path": self.path,
                "auth": self.headers.get("Authorization"),
                "body": json.loads(self.rfile.read(length)),
            }
        )
        self.send_response(self.server.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(self.server.reply)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def chat_server(monkeypatch) -> Iterator[_ChatServer]:
    from backend.settings import get_settings

    server = _ChatServer(("127.0.0.1", 0), _ChatHandler)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv(
        "TRUELEVEL_QUESTION_LLM_BASE_URL", f"http://127.0.0.1:{server.server_port}/v1"
    )
    monkeypatch.setenv("TRUELEVEL_QUESTION_LLM_API_KEY", "sk-local")
    get_settings.cache_clear()
    yield server
    server.shutdown()
    server.server_close()
    monkeypatch.undo()
    get_settings.cache_clear()


def _completion(content: str) -> bytes:
    return json.dumps(
        {"choices": [{"message": {"role": "assistant", "content": content}}]}
    ).encode()


def test_chat_model_questions_are_used_when_configured(client, org, chat_server):
    questions = [
        {"category": "technical", "question": f"How would you use Kafka for case {i}?"}
        for i in range(6)
    ]
    chat_server.reply = _completion("```json\n" + json.dumps(questions) + "\n```")
    job = create_job(client, org, **BACKEND)
    result = generate(client, org, job)
    assert result["source"] == "llm"
    assert [q["question_text"] for q in result["questions"]] == [q["question"] for q in questions]
    (request,) = chat_server.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["auth"] == "Bearer sk-local"
    assert "Senior Backend Engineer" in request["body"]["messages"][1]["content"]


@pytest.mark.parametrize(
    ("status", "reply"),
    [
        (500, b'{"error": "boom"}'),
        (200, b"not json"),
        (200, _completion("I cannot help with that.")),
        (200, _completion(json.dumps(["Only one question?"]))),
    ],
)
def test_chat_model_failure_falls_back_to_templates(client, org, chat_server, status, reply):
    chat_server.status, chat_server.reply = status, reply
    job = create_job(client, org, **BACKEND)
    result = generate(client, org, job)
    assert result["source"] == "templates"
    assert 5 <= len(result["questions"]) <= 10
    assert len(chat_server.requests) == 1


def test_unreachable_chat_model_falls_back(client, org, monkeypatch):
    from backend.settings import get_settings

    monkeypatch.setenv("TRUELEVEL_QUESTION_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    get_settings.cache_clear()
    try:
        result = generate(client, org, create_job(client, org, **FRONTEND))
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert result["source"] == "templates"


# --- what a good answer contains ---------------------------------------------------------------


def test_generated_questions_carry_what_a_good_answer_contains(client, org):
    result = generate(client, org, create_job(client, org, **BACKEND))
    assert all(q["levels"] and set(q["levels"]) <= {"1", "2", "3", "4", "5"}
               for q in result["questions"])  # fmt: skip
    # Every question, technical, system design, problem solving, behavioural or role, says
    # what a good answer contains, naming the job's skills as the question does.
    categories = {q["category"] for q in result["questions"]}
    assert {"technical", "system_design", "behavioural", "role"} <= categories
    for question in result["questions"]:
        assert 2 <= len(question["key_points"]) <= 6, question["question_text"]
        assert question["misconceptions"], question["question_text"]
        assert not any("{" in s for s in question["key_points"] + question["misconceptions"])


def test_a_recruiter_edits_the_key_points_of_a_question(client, org):
    job = create_job(client, org, **BACKEND)
    question = generate(client, org, job)["questions"][0]
    path = f"{API}/jobs/{job['id']}/questions/{question['id']}"
    edit = {
        "key_points": ["An index speeds up reads.", "Writes get slower with every index."],
        "misconceptions": ["Indexes have no cost."],
        "levels": {"5": "Both points with an example.", "1": "Thinks indexes are free."},
    }
    response = client.patch(path, json=edit, headers=org.headers)
    assert response.status_code == 200, response.text
    listed = client.get(f"{API}/jobs/{job['id']}/questions", headers=org.headers).json()
    saved = next(q for q in listed["items"] if q["id"] == question["id"])
    assert saved["key_points"] == edit["key_points"]
    assert saved["misconceptions"] == edit["misconceptions"]
    assert saved["levels"] == {"1": "Thinks indexes are free.", "5": "Both points with an example."}
    assert saved["question_text"] == question["question_text"]  # nothing else changed
    bad = client.patch(path, json={"levels": {"7": "Off the scale."}}, headers=org.headers)
    assert bad.status_code == 422
    cleared = client.patch(path, json={"key_points": None}, headers=org.headers)
    assert cleared.status_code == 422  # may be emptied with [], not nulled


def test_a_written_question_can_carry_key_points(client, org):
    job = create_job(client, org, **BACKEND)
    response = client.post(
        f"{API}/jobs/{job['id']}/questions",
        json={
            "question_text": "How does a connection pool help a web service?",
            "source_id": "ext-q-1",
            "key_points": ["A pool reuses open connections instead of opening one per request."],
        },
        headers=org.headers,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["key_points"] == [
        "A pool reuses open connections instead of opening one per request."
    ]
    assert body["misconceptions"] == [] and body["levels"] == {}


def test_chat_model_key_points_are_kept(client, org, chat_server):
    questions = [
        {
            "category": "technical",
            "question": f"How would you make a Kafka consumer for case {i} safe to retry?",
            "key_points": ["Processing is idempotent, keyed by the event id."],
            "misconceptions": ["Kafka never delivers a message twice."],
        }
        for i in range(6)
    ]
    chat_server.reply = _completion(json.dumps(questions))
    result = generate(client, org, create_job(client, org, **BACKEND))
    assert result["source"] == "llm"
    assert all(
        q["key_points"] == ["Processing is idempotent, keyed by the event id."]
        and q["misconceptions"] == ["Kafka never delivers a message twice."]
        for q in result["questions"]
    )
    (request,) = chat_server.requests
    prompt = request["body"]["messages"][0]["content"]
    assert "key_points" in prompt and "misconceptions" in prompt
    assert "Every question, of every category" in prompt
