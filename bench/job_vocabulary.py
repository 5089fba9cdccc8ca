"""``python -m bench.job_vocabulary``: does the job's vocabulary keep technical terms right?

Interviews of ``bench.interview_validity`` (espeak-ng voices, rendered and cached as that bench
does; no real recording of the project's corpora talks about a job's technologies) are
transcribed by the job's speech model in four ways:

- ``none``: no vocabulary;
- ``prompt``: the job's vocabulary as the model's prompt (faster-whisper ``hotwords``) only;
- ``job``: no prompt, the recognised words corrected against the vocabulary
  (``workers.speech.term_correction``), as an interview job transcribes by default;
- ``prompt+correction``: both, as a job does with ``TRUELEVEL_SPEECH_VOCABULARY_PROMPT`` on.

For each it prints the term error rate and the WER. Terms: the job's vocabulary
(``job_vocabulary``: role title, job posting, questions with their key points), counted where the
reference script says them; a term is recognised when the transcript holds it written as the job
writes it (case aside), counted occurrence by occurrence (hits = the fewer of the reference's and
the transcript's occurrences). Term error rate = 1 - hits / reference occurrences; "extra" counts
a term's occurrences in the transcript beyond the reference's (what a wrong correction adds).
WER: mean over interviews, lower-cased words without punctuation.

Splits: the correction's thresholds were set looking at the ``tuning`` split only; ``held_out``
(the default) was only measured.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

# Profiles whose answers name technologies: correct ones, bare keyword lists and wrong ones.
PROFILES = ("correct", "keywords", "wrong")
WAYS = ("none", "prompt", "job", "prompt+correction")


class TermCount(BaseModel):
    """Occurrences of the job's terms in one transcript against its reference."""

    reference: int = 0
    hits: int = 0
    extra: int = 0

    def __add__(self, other: TermCount) -> TermCount:
        return TermCount(
            reference=self.reference + other.reference,
            hits=self.hits + other.hits,
            extra=self.extra + other.extra,
        )

    @property
    def error_rate(self) -> float:
        return 1.0 - self.hits / self.reference if self.reference else 0.0


def _tokens(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).split()


def _occurrences(tokens: list[str], term: list[str]) -> int:
    n = len(term)
    return sum(tokens[i : i + n] == term for i in range(len(tokens) - n + 1)) if n else 0


def term_count(reference: str, hypothesis: str, vocabulary: tuple[str, ...]) -> TermCount:
    """How many of the reference's term occurrences the hypothesis holds (`TermCount`)."""
    ref, hyp = _tokens(reference), _tokens(hypothesis)
    count = TermCount()
    for term in dict.fromkeys(tuple(_tokens(t)) for t in vocabulary):
        expected, heard = _occurrences(ref, list(term)), _occurrences(hyp, list(term))
        count += TermCount(
            reference=expected, hits=min(expected, heard), extra=max(0, heard - expected)
        )
    return count


@dataclass(frozen=True)
class Heard:
    name: str
    terms: dict[str, TermCount]
    wer: dict[str, float]
    missed: Counter[str]  # job way: reference terms it did not hold
    corrections: list[tuple[str, str]]  # job way: (heard, term)


def listen(model, candidate) -> Heard:
    from bench.interview_validity.audio import render, vocabulary
    from bench.transcription import word_error_rate
    from workers.speech.decoding import decode_audio
    from workers.speech.term_correction import correct_transcript
    from workers.speech.transcription import transcribe

    turns = candidate.turns()
    reference = " ".join(text for _, text in turns)
    terms = vocabulary(candidate)
    audio = decode_audio(render(candidate, turns))
    bare = transcribe(model, audio)
    prompting = dataclasses.replace(model, prompt_vocabulary=True)
    prompted = transcribe(prompting, audio, vocabulary=terms, correct_terms=False)
    transcripts = {
        "none": bare,
        "prompt": prompted,
        "job": correct_transcript(bare, terms),
        "prompt+correction": correct_transcript(prompted, terms),
    }
    texts = {way: t.text for way, t in transcripts.items()}
    missed: Counter[str] = Counter()
    hyp = _tokens(texts["job"])
    for term in terms:
        gap = _occurrences(_tokens(reference), _tokens(term)) - _occurrences(hyp, _tokens(term))
        if gap > 0:
            missed[term] += gap
    corrections = [
        (w.heard, w.text)
        for s in transcripts["job"].segments
        for w in s.words
        if w.heard is not None
    ]
    return Heard(
        name=candidate.name,
        terms={way: term_count(reference, text, terms) for way, text in texts.items()},
        wer={way: word_error_rate(reference, text) for way, text in texts.items()},
        missed=missed,
        corrections=corrections,
    )


def run(split: str, profiles: tuple[str, ...], limit: int | None) -> dict[str, Any]:
    from bench.interview_validity.corpus import candidates
    from workers.speech.transcription import load_model

    model = load_model("bundled")
    people = [c for c in candidates(split) if c.name.rsplit("/", 1)[1] in profiles][:limit]
    started = time.perf_counter()
    heard = []
    for person in people:
        one = listen(model, person)
        heard.append(one)
        print(
            f"  {one.name:<40} "
            + "  ".join(
                f"{way} TER {one.terms[way].error_rate:.2f} WER {one.wer[way]:.3f}" for way in WAYS
            ),
            flush=True,
        )
    totals = {way: sum((h.terms[way] for h in heard), TermCount()) for way in WAYS}
    return {
        "split": split,
        "interviews": len(heard),
        "terms": totals,
        "wer": {way: round(statistics.mean(h.wer[way] for h in heard), 3) for way in WAYS},
        "missed": sum((h.missed for h in heard), Counter()),
        "corrections": Counter(c for h in heard for c in h.corrections),
        "seconds": round(time.perf_counter() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", default="held_out", choices=("held_out", "tuning"))
    parser.add_argument("--profiles", default=",".join(PROFILES))
    parser.add_argument("--limit", type=int, default=None, help="the first N interviews")
    args = parser.parse_args(argv)
    profiles = tuple(p for p in args.profiles.split(",") if p)
    print(
        f"job vocabulary, split={args.split}, profiles {profiles}, espeak-ng voices "
        "(bench.interview_validity renders), bundled speech model"
    )
    figures = run(args.split, profiles, args.limit)
    print(f"{figures['interviews']} interviews ({figures['seconds']} s)")
    for way in WAYS:
        count = figures["terms"][way]
        print(
            f"  {way:<11} term error rate {count.error_rate:.3f} "
            f"({count.hits}/{count.reference} term occurrences right, {count.extra} extra)  "
            f"WER {figures['wer'][way]:.3f}"
        )
    print(f"  terms still missed (job): {dict(figures['missed'].most_common())}")
    print(f"  corrections made (job): {dict(figures['corrections'].most_common())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
