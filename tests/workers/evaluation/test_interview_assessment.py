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
from workers.interviews.assessment.assessment import assess
from workers.interviews.assessment.embeddings import load_embedder
from workers.interviews.assessment.wording import refine_wording

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

# What a good answer contains, for the two questions of QUESTIONS that have a right answer, as a
# job's question bank holds it (the others are about the candidate's own history).
BANK = [
    {
        "question_text": QUESTIONS[1],
        "category": "technical",
        "key_points": [
            "Each charge carries an idempotency key with a unique constraint, so a retried "
            "task cannot bill a customer twice.",
            "Timeouts are retried with exponential backoff up to a limit, then the item goes to "
            "a review list for a person to check.",
        ],
        "misconceptions": ["Failures were rare, so we simply restarted the service."],
    },
    {
        "question_text": QUESTIONS[2],
        "category": "problem_solving",
        "key_points": [
            "Measure each step first to find where the time actually goes.",
            "Fix the slow query, for example by rewriting it or adding an index, and measure "
            "the run time again.",
        ],
        "misconceptions": ["Add more servers until it is fast enough."],
    },
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


def embedder_for_tests():
    return load_embedder("bundled")  # loaded once per process


@pytest.fixture(scope="module")
def embedder():
    return embedder_for_tests()


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
    return run(embedder, interview(STRONG), questions=BANK)


@pytest.fixture(scope="module")
def weak(embedder) -> dict[str, Any]:
    return run(embedder, interview(WEAK), questions=BANK)


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
    # Depth is judged from the answers to questions with key points, each cited.
    assert "Judged from 2 answers" in depth["rationale"]
    assert "matches key point \u201cEach charge carries an idempotency key" in depth["rationale"]
    assert 1 <= len(depth["quotes"]) <= 3
    assert any("idempotency key" in q["text"] for q in depth["quotes"])
    # Without a question bank, depth falls back to the competency texts and measured detail.
    unjudged = run(embedder_for_tests(), interview(STRONG))
    assert "concrete detail" in unjudged["scores"]["technical_depth"]["rationale"]
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
    again = run(embedder, interview(STRONG), questions=BANK)
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
    # Highlights are sentences that stated a key point of a correct answer.
    assert any("idempotency key" in h and "states:" in h for h in strong["highlights"])
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
    result = run(
        embedder, interview(STRONG), rubric, rubric={"id": "rub_1", "version": 3}, questions=BANK
    )
    assert list(result["scores"]) == ["system_design", "communication", "customer_empathy"]
    assert result["rubric"] == {"id": "rub_1", "version": 3}
    assert all(1 <= s["score"] <= 5 and s["quotes"] for s in result["scores"].values())
    # A custom "Communication" category is adjusted by the same measured signals.
    assert "Answers were developed" in result["scores"]["communication"]["rationale"]
    # The product's code rubric describes code, not a conversation: the default competencies.
    coded = run(embedder, interview(STRONG), default_rubric_categories(), questions=BANK)
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


def test_the_summary_and_the_metrics_count_the_same_questions_asked(embedder):
    """Five questions, one of them two sentences in one breath ("Tell me about ... What did you
    do?"), then the closing "any questions for us?": a recruiter counts five, and so do the
    summary and the metrics block (the sentence count said 7, the turn count 6)."""
    from workers.speech.metrics import conversation_metrics
    from workers.speech.transcription import Segment

    closing = [(INTERVIEWER, "Do you have any questions for us?"), (CANDIDATE, "No, thank you.")]
    turns = []
    for question, answer in zip(QUESTIONS, STRONG, strict=True):
        turns += [(INTERVIEWER, question), (CANDIDATE, answer)]
    transcript = build(turns + closing)
    spoken = [
        Segment(s["start"], s["end"], s["text"], (), -0.2, 0.01, s["speaker"]) for s in transcript
    ]
    metrics = conversation_metrics(spoken, duration=transcript[-1]["end"])
    result = run(embedder, transcript, metrics=metrics)

    assert metrics["question_count"] == {INTERVIEWER: 5, CANDIDATE: 0}
    assert "5 questions asked, 5 answered" in result["summary"]


# --- correctness against the question ---------------------------------------------------------

INDEX_QUESTION = "What does adding a database index cost, and when would you not add one?"
INDEX_BANK = [
    {
        "question_text": INDEX_QUESTION,
        "category": "technical",
        "key_points": [
            "An index speeds up reads that filter or sort on the indexed columns.",
            "Every insert, update and delete must also update the index, so writes get slower "
            "and the index uses extra disk and memory.",
            "You would skip an index on a small table, on a write-heavy table, or on a column "
            "with low selectivity that the planner would not use.",
        ],
        "misconceptions": [
            "Indexes make every query faster, including inserts and updates, so you should "
            "index every column.",
            "An index has no real cost apart from the time it takes to create it once.",
            "An index on a low-selectivity column like a boolean flag always helps.",
        ],
    },
    {
        "question_text": "How does a database connection pool help a web service?",
        "category": "technical",
        "key_points": [
            "Opening a database connection is expensive, so a pool keeps connections open and "
            "reuses them across requests.",
            "The pool caps how many connections the service opens, protecting the database.",
        ],
        "misconceptions": ["A connection pool caches query results."],
    },
]
INDEX_ANSWERS = {
    "correct": (
        "An index makes reads faster when you filter or sort on those columns, but it isn't "
        "free. Every insert, update and delete has to maintain the index as well, so writes "
        "slow down, and it takes disk space and buffer memory. So I wouldn't add one on a tiny "
        "table, or on a table that is mostly writes, like an events log, or on a column with "
        "very low selectivity like a boolean, because the planner won't use it anyway."
    ),
    "fluent_wrong": (
        "Well, an index basically makes the database faster across the board, reads and "
        "writes, because the database can find the rows quicker even when it's inserting. So "
        "in practice I add an index on pretty much every column, especially the status flags "
        "and booleans, because those get filtered a lot and the index always helps there."
    ),
    "keywords": (
        "B-tree, index, query planner, PostgreSQL, MySQL, selectivity, write amplification, "
        "EXPLAIN ANALYZE, composite index, covering index, disk, latency, Redis, Kafka."
    ),
    "vague": (
        "Indexes are a trade-off like most things in databases. You want to be thoughtful "
        "about them and look at your use case. It kind of depends on the data and the queries "
        "and the database you're using, so I would evaluate it case by case."
    ),
    "other_question": (
        "Setting up a database connection means a TCP handshake, authentication and a backend "
        "process on the Postgres side, so it's slow. A pool keeps a set of connections open "
        "and hands them to requests, so you pay that once. It also puts a ceiling on "
        "connections, which protects the database."
    ),
}


def index_interview(embedder, kind: str, bank=INDEX_BANK) -> dict[str, Any]:
    transcript = build(
        [
            (INTERVIEWER, "Thanks for joining. " + INDEX_QUESTION),
            (CANDIDATE, INDEX_ANSWERS[kind]),
        ]
    )
    return run(embedder, transcript, questions=bank)


@pytest.fixture(scope="module")
def index_reports(embedder) -> dict[str, dict[str, Any]]:
    return {kind: index_interview(embedder, kind) for kind in INDEX_ANSWERS}


def test_a_correct_specific_answer_beats_a_fluent_wrong_one(index_reports):
    right, wrong = index_reports["correct"], index_reports["fluent_wrong"]
    assert right["answers"][0]["verdict"] == "correct"
    assert right["answers"][0]["score"] >= 4
    assert wrong["answers"][0]["score"] <= 3
    assert any(m["misconception"] for m in wrong["answers"][0]["misconceptions"])
    for key in ("technical_depth", "problem_solving"):
        assert right["scores"][key]["score"] > wrong["scores"][key]["score"], key
    # The report names the misconception and the sentence that stated it.
    assert any("misconception" in flag and "booleans" in flag for flag in wrong["red_flags"])
    assert wrong["recommendation"] != "advance"
    assert right["judge"]["kind"] == "embedding" and right["judge"]["version"]
    assert 0 < right["confidence"] < 0.8  # the fallback judge is not a language model


def test_keyword_lists_and_vague_answers_never_score_above_two(index_reports):
    for kind in ("keywords", "vague"):
        report = index_reports[kind]
        assert report["answers"][0]["score"] <= 2, kind
        assert report["scores"]["technical_depth"]["score"] <= 2, kind
        assert report["recommendation"] != "advance", kind
    assert index_reports["keywords"]["answers"][0]["verdict"] == "keyword_list"
    assert "no filler" not in index_reports["keywords"]["submittal_note"]
    assert "clear evidence of technical depth" not in index_reports["keywords"]["submittal_note"]


def test_a_correct_answer_to_another_question_earns_nothing(index_reports):
    report = index_reports["other_question"]
    answer = report["answers"][0]
    assert answer["verdict"] == "other_question"
    assert answer["answers_other_question"] == INDEX_BANK[1]["question_text"]
    assert answer["score"] == 1
    assert (
        report["scores"]["technical_depth"]["score"]
        < (index_reports["correct"]["scores"]["technical_depth"]["score"])
    )


def test_every_judged_score_cites_the_sentence_and_the_key_point(index_reports):
    answer = index_reports["correct"]["answers"][0]
    stated = [p for p in answer["key_points"] if p["status"] != "missed"]
    assert stated and all(p["quote"]["text"] in INDEX_ANSWERS["correct"] for p in stated)
    rationale = index_reports["correct"]["scores"]["technical_depth"]["rationale"]
    assert "matches key point" in rationale and INDEX_QUESTION[:40] in rationale
    missed = index_reports["vague"]["scores"]["technical_depth"]["rationale"]
    assert "misses" in missed


def test_without_key_points_nothing_advances_and_the_report_says_why(embedder):
    result = run(embedder, interview(STRONG))  # no question bank
    assert result["answers"] == []
    assert result["recommendation"] == "hold"
    assert any("Correctness not judged" in note for note in result["notes"])
    assert result["confidence"] < 0.5


def test_a_rephrased_question_finds_its_guide(embedder):
    transcript = build(
        [
            (INTERVIEWER, "So what does a database index cost you, and when wouldn't you add one?"),
            (CANDIDATE, INDEX_ANSWERS["correct"]),
        ]
    )
    result = run(embedder, transcript, questions=INDEX_BANK)
    assert result["answers"][0]["matched_question"] == INDEX_QUESTION


def test_the_same_answer_with_a_filler_or_a_case_change_is_judged_the_same(embedder, index_reports):
    for kind in ("correct", "fluent_wrong"):
        text = INDEX_ANSWERS[kind]
        words = text.split()
        variants = [
            " ".join([*words[:3], "um,", *words[3:]]),
            " ".join([*words[:4], words[4].upper(), *words[5:]]),
        ]
        for variant in variants:
            transcript = build(
                [(INTERVIEWER, "Thanks for joining. " + INDEX_QUESTION), (CANDIDATE, variant)]
            )
            other = run(embedder, transcript, questions=INDEX_BANK)
            base = index_reports[kind]

            # Communication may notice a filler (it measures fillers); what was judged may not.
            def judged(report):
                return [
                    (a["score"], a["verdict"], [p["status"] for p in a["key_points"]])
                    for a in report["answers"]
                ]

            assert judged(other) == judged(base), (kind, variant)
            for key in ("technical_depth", "problem_solving"):
                assert other["scores"][key]["score"] == base["scores"][key]["score"], key


# --- speakers ----------------------------------------------------------------------------------


def test_a_single_speaker_recording_is_not_scored(embedder):
    one_voice = [
        {**segment, "speaker": INTERVIEWER, "role": "interviewer"} for segment in interview(STRONG)
    ]
    result = assess(
        one_voice,
        roles={INTERVIEWER: "candidate"},
        metrics={},
        rubric_categories=None,
        role_title=ROLE_TITLE,
        embedder=embedder,
        questions=BANK,
    )
    assert result["scored"] is False
    assert result["recommendation"] is None
    assert result["scores"] == {}
    assert any("confirm the speakers' roles" in flag for flag in result["red_flags"])
    assert "not scored" in result["summary"]


def test_unclear_roles_are_not_scored(embedder):
    transcript = interview(STRONG)
    result = assess(
        transcript,
        roles={INTERVIEWER: "candidate", CANDIDATE: "candidate"},
        metrics={},
        rubric_categories=None,
        role_title=ROLE_TITLE,
        embedder=embedder,
    )
    assert result["scored"] is False and result["recommendation"] is None
    assert result["red_flags"]


# --- the job's question bank -------------------------------------------------------------------


def test_an_uploaded_interview_is_judged_against_its_jobs_question_bank(client, embedder):
    from backend.db import session_scope
    from tests.api.pipeline.builders import API, create_job
    from tests.helpers import make_org
    from workers.interviews.assessment.bank import question_bank

    org = make_org("Bank")
    job = create_job(client, org, title="  Backend Engineer ")
    for item in INDEX_BANK:
        response = client.post(
            f"{API}/jobs/{job['id']}/questions",
            json={**item, "source_id": item["question_text"][:20]},
            headers=org.headers,
        )
        assert response.status_code == 201, response.text
    client.post(  # a question without key points is not part of the bank
        f"{API}/jobs/{job['id']}/questions",
        json={"question_text": "Why this company?", "source_id": "why"},
        headers=org.headers,
    )
    with session_scope() as session:
        bank = question_bank(session, org_id=org.org_id, role_title="backend engineer")
        other_org = question_bank(session, org_id=make_org("Other").org_id, role_title=ROLE_TITLE)
    assert [q["question_text"] for q in bank] == [q["question_text"] for q in INDEX_BANK]
    assert other_org == []
    transcript = build(
        [(INTERVIEWER, "Thanks. " + INDEX_QUESTION), (CANDIDATE, INDEX_ANSWERS["correct"])]
    )
    result = run(embedder, transcript, questions=bank)
    assert result["answers"][0]["verdict"] == "correct"
