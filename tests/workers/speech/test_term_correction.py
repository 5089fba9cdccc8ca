"""Misheard technical terms are put back in the job's spelling after recognition, ordinary speech
is left alone, and what was heard stays on the record."""

from __future__ import annotations

import json
from pathlib import Path

from backend.services.pipeline.job_vocabulary import code_like_terms, job_vocabulary
from workers.speech.term_correction import correct_segment, correct_text, correct_transcript
from workers.speech.transcription import Segment, Transcript, Word

JOB_TERMS = (
    "PostgreSQL",
    "Kubernetes",
    "PgBouncer",
    "Redis",
    "GraphQL",
    "gRPC",
    "Kafka",
    "HikariCP",
    "SQLAlchemy",
    "JavaScript",
    "setTimeout",
    "React",
    "AWS",
    "Terraform",
    "Spring Boot",
)
SCRIPTS = Path(__file__).parents[3] / "bench" / "interview_validity" / "scripts"


def test_misheard_terms_are_spelled_as_the_job_writes_them():
    heard = (
        "We moved billing to post-gorex QL with PG bouncer in front, it runs on cube an eighties, "
        "the API is graph QL, reddis keeps the keys and Hickory CP pools connections in Java"
    )
    text, matches = correct_text(heard, JOB_TERMS)
    assert text == (
        "We moved billing to PostgreSQL with PgBouncer in front, it runs on Kubernetes, "
        "the API is GraphQL, Redis keeps the keys and HikariCP pools connections in Java"
    )
    assert [(m.heard, m.term) for m in matches] == [
        ("post-gorex QL", "PostgreSQL"),
        ("PG bouncer", "PgBouncer"),
        ("cube an eighties,", "Kubernetes"),
        ("graph QL,", "GraphQL"),
        ("reddis", "Redis"),
        ("Hickory CP", "HikariCP"),
    ]


def test_ordinary_words_that_sound_like_a_term_are_left_alone():
    ordinary = [
        "Measure the radius of the circle before you cut it.",
        "I would react quickly and post the update to the team.",
        "The post office is closed, so I cut the cube in half.",
        "She read us the story, then we set a time out for the kids.",
        "I like post grace periods and a cooper net is on the boat.",
        "The reds is what they call the team, and we host it on Postgres.",
    ]
    for sentence in ordinary:
        assert correct_text(sentence, JOB_TERMS) == (sentence, []), sentence


def test_the_scripts_exact_words_are_never_corrected():
    """Every line of the validation interviews' tuning split, as written, with its own job's
    vocabulary: an exact transcript has nothing misheard, so any correction would be a false
    one. (The held-out split is only measured, by ``bench.job_vocabulary``.)"""
    lines = 0
    for path in sorted(SCRIPTS.glob("*.json")):
        role = json.loads(path.read_text())
        vocabulary = job_vocabulary(role["role"], role.get("job_posting", ""), role["questions"])
        assert len(vocabulary) >= 10
        for question in (q for q in role["questions"] if q["split"] == "tuning"):
            for text in [question["text"], *question["answers"].values()]:
                assert correct_text(text, vocabulary) == (text, []), text
                lines += 1
    assert lines >= 30


def test_a_corrected_word_keeps_what_was_heard_and_its_times():
    words = (
        Word(0.0, 0.4, "We", 0.9),
        Word(0.4, 0.8, "use", 0.9),
        Word(0.8, 1.2, "post-gorex", 0.4),
        Word(1.2, 1.5, "QL.", 0.6),
    )
    segment = Segment(0.0, 1.5, "We use post-gorex QL.", words, -0.3, 0.01, "SPEAKER_01")
    corrected = correct_segment(segment, JOB_TERMS)
    assert corrected.text == "We use PostgreSQL."
    term = corrected.words[-1]
    assert (term.text, term.heard, term.start, term.end) == (
        "PostgreSQL.",
        "post-gorex QL.",
        0.8,
        1.5,
    )
    assert term.probability == 0.4
    assert all(w.heard is None for w in corrected.words[:-1])
    assert corrected.speaker == "SPEAKER_01"


def test_correction_is_deterministic_and_needs_a_vocabulary():
    heard = "we deploy with terra form on cube an eighties and call g RPC services"
    first = correct_text(heard, JOB_TERMS)
    assert all(correct_text(heard, JOB_TERMS) == first for _ in range(5))
    assert correct_text(heard, tuple(reversed(JOB_TERMS))) == first
    assert correct_text(heard, ()) == (heard, [])
    transcript = Transcript((), "en", 0.0)
    assert correct_transcript(transcript, JOB_TERMS) == transcript


def test_terms_spelled_like_code_are_found_in_the_jobs_texts():
    text = (
        "Use SELECT FOR UPDATE, tune max_connections, put PgBouncer in front; in the browser "
        "setTimeout runs after Promise.then, and XSS is stopped by CSP. We use Node.js and S3."
    )
    assert code_like_terms(text) == [
        "SELECT",
        "max_connections",
        "PgBouncer",
        "setTimeout",
        "Promise.then",
        "XSS",
        "CSP",
        "Node.js",
        "S3",
    ]
