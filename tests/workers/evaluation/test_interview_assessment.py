"""The interview assessment on hand-written transcripts, with the real bundled sentence model
(all-MiniLM-L6-v2, offline) and a real local HTTP server standing in for the wording model."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from backend.services.rubrics import default_rubric_categories
from backend.settings import Settings
from workers.evaluation.interview.assessment import assess
from workers.evaluation.interview.embeddings import load_embedder
from workers.evaluation.interview.wording import refine_wording

INTERVIEWER, CANDIDATE = "SPEAKER_00", "SPEAKER_01"
ROLES = {INTERVIEWER: "interviewer", CANDIDATE: "candidate"}
ROLE_TITLE = "Backend Engineer"

QUESTIONS = [
    "Thanks for joining. Can you tell me about a backend system you built recently?",
    "How did you handle failures in that system?",
    "Tell me about a performance problem you debugged. What did you do?",
    "How do you work with other engineers and with product?",
    "Why are you interested in this role?",
]
STRONG = [
    "Sure. Last year I built the billing service that charges our customers every month. It is "
    "a Django application on PostgreSQL, and the invoice runs are Celery tasks behind RabbitMQ. "
    "On the first of the month it generates around forty thousand invoices in under an hour.",
    "Each charge has an idempotency key stored with a unique constraint, so retrying a task can "
    "never bill a customer twice. When the payment provider times out we retry with exponential "
    "backoff, and after five attempts the invoice goes to a review list that finance checks "
    "every morning.",
    "The monthly run once took six hours. I measured each step and saw that ninety percent of "
    "the time went into one report query that scanned the whole table. I rewrote it to "
    "aggregate per account and added a partial index, which brought the run down to fifty "
    "minutes.",
    "I usually write a short proposal before a big change and ask the other engineers to poke "
    "holes in it. For the billing rewrite I ran the rollout myself, kept finance updated every "
    "week, and when a teammate preferred a different retry strategy we tested both on staging "
    "and kept the one with fewer duplicate calls.",
    "I have spent six years on backend systems in Python, mostly payments and data pipelines, "
    "and this role is about exactly that kind of reliable, high volume work, which is what I "
    "want to keep doing.",
]
WEAK = [
    "Um, yeah, I did some backend stuff.",
    "I don't know, we just, like, restarted it.",
    "Not really, um, no.",
    "It was fine, I guess. Yeah.",
    "I need a job, I guess.",
]


PAUSE = "pause"


def build(turns: list[tuple[str, str]], *, gap: float = 0.6, words_per_s: float = 2.6) -> list:
    """A transcript as the pipeline stores it: segments with word timestamps, one per turn;
    ``(PAUSE, "5")`` is five seconds of silence."""
    clock, segments = 0.0, []
    for speaker, text in turns:
        if speaker == PAUSE:
            clock += float(text)
            continue
        tokens = text.split()
        start = round(clock, 2)
        end = round(clock + max(0.8, len(tokens) / words_per_s), 2)
        step = (end - start) / len(tokens)
        words = [
            {"start": round(start + i * step, 2), "end": round(start + (i + 1) * step, 2)}
            | {"text": token}
            for i, token in enumerate(tokens)
        ]
        segments.append(
            {
                "start": start,
                "end": end,
                "speaker": speaker,
                "role": ROLES[speaker],
                "text": text,
                "words": words,
            }
        )
        clock = end + gap
    return segments


def interview(answers: list[str | None]) -> list[dict]:
    """Each question followed by its answer (None: the candidate stays silent for six seconds
    and the interviewer moves on)."""
    turns: list[tuple[str, str]] = []
    for question, answer in zip(QUESTIONS, answers, strict=True):
        turns.append((INTERVIEWER, question))
        turns.append((CANDIDATE, answer) if answer is not None else (PAUSE, "6"))
    return build(turns)


def metrics_for(transcript: list[dict]) -> dict[str, Any]:
    """The talk-ratio part of the metrics block, measured from the segments."""
    talk: dict[str, float] = {}
    for segment in transcript:
        talk[segment["speaker"]] = talk.get(segment["speaker"], 0.0) + (
            segment["end"] - segment["start"]
        )
    total = sum(talk.values())
    return {"talk_ratio": {speaker: round(s / total, 3) for speaker, s in talk.items()}}


@pytest.fixture(scope="module")
def embedder():
    return load_embedder("bundled")


def run(embedder, transcript: list[dict], rubric_categories=None, **extra) -> dict[str, Any]:
    return assess(
        transcript,
        roles=ROLES,
        metrics=extra.pop("metrics", metrics_for(transcript)),
        rubric_categories=rubric_categories,
        role_title=ROLE_TITLE,
        embedder=embedder,
        **extra,
    )


@pytest.fixture(scope="module")
def strong(embedder) -> dict[str, Any]:
    return run(embedder, interview(STRONG))


@pytest.fixture(scope="module")
def weak(embedder) -> dict[str, Any]:
    return run(embedder, interview(WEAK))


def test_detailed_answers_score_higher_than_short_vague_ones(strong, weak):
    for key in ("technical_depth", "communication"):
        assert strong["scores"][key]["score"] > weak["scores"][key]["score"], key
    assert strong["recommendation"] == "advance"
    assert weak["recommendation"] in ("hold", "reject")
    assert set(strong["scores"]) == {
        "communication",
        "technical_depth",
        "problem_solving",
        "ownership_collaboration",
        "role_fit",
    }
    for result in (strong, weak):
        assert all(1 <= s["score"] <= 5 for s in result["scores"].values())


def test_rationale_names_the_signals_and_cites_quotes(strong, weak):
    depth = strong["scores"]["technical_depth"]
    assert "concrete detail" in depth["rationale"]
    assert 1 <= len(depth["quotes"]) <= 3
    # The Django/PostgreSQL sentence is the obvious evidence of depth.
    assert any("PostgreSQL" in q["text"] for q in depth["quotes"])
    communication = weak["scores"]["communication"]["rationale"]
    assert "shorter than 12 words" in communication
    assert "Filler words" in communication


def test_quotes_cite_real_transcript_times_and_text(strong, weak):
    transcript = {"strong": interview(STRONG), "weak": interview(WEAK)}
    for name, result in (("strong", strong), ("weak", weak)):
        for key, score in result["scores"].items():
            assert score["quotes"], (name, key)
            for quote in score["quotes"]:
                assert set(quote) == {"start", "end", "speaker", "text"}
                assert quote["speaker"] == CANDIDATE
                containing = [
                    s
                    for s in transcript[name]
                    if s["speaker"] == quote["speaker"] and quote["text"] in s["text"]
                ]
                assert containing, quote
                segment = containing[0]
                assert segment["start"] <= quote["start"] < quote["end"] <= segment["end"]
                # The quote's words start where the transcript's word timestamps say.
                first_word = quote["text"].split()[0]
                assert any(
                    w["start"] == quote["start"] and w["text"] == first_word
                    for w in segment["words"]
                )


def test_without_word_timestamps_quotes_cite_their_segment(embedder):
    transcript = [{k: v for k, v in s.items() if k != "words"} for s in interview(STRONG)]
    result = run(embedder, transcript)
    for score in result["scores"].values():
        for quote in score["quotes"]:
            segment = next(s for s in transcript if quote["text"] in s["text"])
            assert (quote["start"], quote["end"]) == (segment["start"], segment["end"])


def test_same_transcript_and_rubric_give_the_same_json(embedder, strong):
    again = run(embedder, interview(STRONG))
    assert json.dumps(again, sort_keys=True) == json.dumps(strong, sort_keys=True)


def test_report_texts(strong, weak):
    for result in (strong, weak):
        note = result["submittal_note"]
        sentences = [s for s in re.split(r"(?<=\.)\s+", note) if s]
        assert 3 <= len(sentences) <= 5, note
        assert ROLE_TITLE in note
        assert not re.search(r"\b(he|she|his|her|age|gender)\b", note, re.I)
        assert result["recommendation"] in result["summary"]
        assert result["questions_for_next_round"]
        assert all(ROLE_TITLE in q for q in result["questions_for_next_round"][:1])
        assert result["engine_version"]
        assert result["recommendation_is_proposal"] is True
    assert strong["highlights"] and not strong["red_flags"]
    assert any("PostgreSQL" in h or "index" in h for h in strong["highlights"])
    # The weak interview's next round goes after what was missing.
    assert any("technologies" in q for q in weak["questions_for_next_round"])
    assert any("Short answers" in flag for flag in weak["red_flags"])


def test_a_reject_is_only_a_proposal(weak):
    assert weak["recommendation"] == "reject"
    assert weak["recommendation_is_proposal"] is True
    assert "recruiter to confirm" in weak["summary"]


def test_an_unanswered_question_is_a_red_flag(embedder):
    answers: list[str | None] = list(STRONG)
    answers[2] = None  # the performance question gets no answer
    transcript = interview(answers)
    result = run(embedder, transcript)
    flags = [flag for flag in result["red_flags"] if flag.startswith("No answer")]
    assert len(flags) == 1
    assert "Tell me about a performance problem you debugged" in flags[0]
    asked = next(s for s in transcript if s["text"].startswith("Tell me about a performance"))
    minutes, seconds = divmod(int(asked["start"]), 60)
    assert f"{minutes:02d}:{seconds:02d}" in flags[0]
    assert result["recommendation"] != "advance"
    assert any("performance problem" in q for q in result["questions_for_next_round"])


def test_a_candidate_who_barely_speaks_is_flagged(embedder):
    monologue = (
        "Let me tell you about the team first. We run the payments platform, about forty "
        "services, mostly Python and Go, deployed on Kubernetes. The team is eight engineers "
        "split over two time zones and we release every day. Does that sound interesting?"
    )
    transcript = build([(INTERVIEWER, monologue * 3), (CANDIDATE, "Yes, it does.")])
    result = run(embedder, transcript)
    assert any("talk ratio" in flag for flag in result["red_flags"])
    assert any("Very little candidate speech" in flag for flag in result["red_flags"])
    assert "below 25%" in result["scores"]["communication"]["rationale"]
    assert result["scores"]["communication"]["score"] == 1


def test_an_empty_transcript_still_gives_a_report(embedder):
    result = run(embedder, [], metrics={})
    assert result["recommendation"] == "reject"
    assert all(s["quotes"] == [] for s in result["scores"].values())
    assert any("Very little candidate speech" in flag for flag in result["red_flags"])


def test_custom_rubric_categories_become_the_score_keys(embedder, strong):
    rubric = [
        {
            "name": "System Design",
            "weight": 2.0,
            "criteria": [
                {
                    "name": "Scalability",
                    "description": "Designs services that handle growing load.",
                    "weight": 1.0,
                    "levels": {
                        "1": "No idea how the system would scale.",
                        "2": "Vague about load and bottlenecks.",
                        "3": "Knows the main bottleneck.",
                        "4": "Uses indexes, queues and caches where they pay off.",
                        "5": "Quantifies load and designs for it with clear trade-offs.",
                    },
                }
            ],
        },
        {"name": "Communication", "description": "Clear, structured answers.", "criteria": []},
        {
            "name": "Customer Empathy",
            "description": "Understands what the people using the product need.",
            "criteria": [],
        },
    ]
    result = run(embedder, interview(STRONG), rubric, rubric={"id": "rub_1", "version": 3})
    assert list(result["scores"]) == ["system_design", "communication", "customer_empathy"]
    assert result["rubric"] == {"id": "rub_1", "version": 3}
    assert all(1 <= s["score"] <= 5 and s["quotes"] for s in result["scores"].values())
    # A custom "Communication" category is adjusted by the same measured signals.
    assert "Answers were developed" in result["scores"]["communication"]["rationale"]
    # The product's code rubric describes code, not a conversation: the default competencies.
    coded = run(embedder, interview(STRONG), default_rubric_categories())
    assert json.dumps(coded, sort_keys=True) == json.dumps(strong, sort_keys=True)


# --- wording refinement ----------------------------------------------------------------------


class _ChatServer:
    """A real HTTP server on a free local port answering ``/v1/chat/completions``."""

    def __init__(self, status: int, content: str = "") -> None:
        self.requests: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                outer.requests.append(json.loads(self.rfile.read(length)))
                body = json.dumps({"choices": [{"message": {"content": content}}]}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self) -> _ChatServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def chat_server() -> Iterator[type[_ChatServer]]:
    yield _ChatServer


def test_wording_is_left_alone_without_an_endpoint(strong):
    refined = refine_wording(strong, settings=Settings(question_llm_base_url=""))
    assert json.dumps(refined, sort_keys=True) == json.dumps(strong, sort_keys=True)


def test_wording_is_kept_when_the_endpoint_fails(strong, chat_server):
    with chat_server(500) as server:
        refined = refine_wording(strong, settings=Settings(question_llm_base_url=server.base_url))
    assert len(server.requests) == 1  # it was asked, and its failure changed nothing
    assert json.dumps(refined, sort_keys=True) == json.dumps(strong, sort_keys=True)


def test_wording_refines_only_the_prose(strong, chat_server):
    summary = "A strong interview for the Backend Engineer role; advance is proposed."
    note = (
        "The candidate interviewed for the Backend Engineer role. Answers showed clear technical "
        "depth. The recruiter will review this summary."
    )
    answer = json.dumps({"summary": summary, "submittal_note": note, "scores": {}})
    with chat_server(200, f"Here you go:\n{answer}") as server:
        settings = Settings(question_llm_base_url=server.base_url)
        refined = refine_wording(strong, role_title=ROLE_TITLE, settings=settings)
    prompt = server.requests[0]["messages"][1]["content"]
    sent = json.loads(prompt[prompt.index("{") :])
    assert set(sent) == {"summary", "submittal_note"}  # nothing else leaves the worker
    assert "Role: Backend Engineer" in prompt
    assert refined["summary"] == summary
    assert refined["submittal_note"] == note
    for key in set(strong) - {"summary", "submittal_note"}:
        assert refined[key] == strong[key], key


def test_a_rephrasing_that_invents_facts_is_refused(strong, chat_server):
    answer = json.dumps(
        {
            "summary": "Scored 97 out of 100; she should be hired.",
            "submittal_note": strong["submittal_note"],
        }
    )
    with chat_server(200, answer) as server:
        refined = refine_wording(strong, settings=Settings(question_llm_base_url=server.base_url))
    assert refined["summary"] == strong["summary"]


def test_the_metrics_block_figures_are_the_ones_cited(embedder):
    transcript = interview(STRONG)
    metrics = metrics_for(transcript) | {"filler_rate": {INTERVIEWER: 0.0, CANDIDATE: 12.5}}
    result = run(embedder, transcript, metrics=metrics)
    rationale = result["scores"]["communication"]["rationale"]
    assert "12.5 per 100 words" in rationale
    assert any("12.5 per 100 words" in flag for flag in result["red_flags"])
