"""Interview-job throughput against faster-whisper's fastest bare configurations: same file, same
model instance, same run.

    .venv/bin/python -m bench.transcription [file] [--repeat 5] [--model bundled] [--device auto]

Without a file, a ~5-minute two-voice interview is synthesised with espeak-ng (cached under the
temp directory) from a known script, so its word error rate can be measured too. Configurations,
run interleaved (one of each per round, so load from other processes on the machine falls on all
of them alike) and reported as the median of the rounds, after one warm-up round:

- job: what an interview job does with the recording once its models are warm
  (``workers.interviews.pipeline``: decoding, transcription, speakers by channel or by voice,
  conversation metrics, the assessment with sentence embeddings); recognition batched
  (``BATCH_SIZE``);
- job-sequential: the same job with sequential recognition (how jobs ran before batching);
- bare-sequential: ``WhisperModel.transcribe(path)`` with faster-whisper's defaults, generator
  consumed;
- batched-8 / batched-16: ``BatchedInferencePipeline(model).transcribe(path, batch_size=...)`` with
  its defaults: recognition alone, no speakers, no word timestamps.

Prints audio-seconds per wall-second (higher is faster), the job's speed relative to each bare
configuration, and each configuration's WER when the reference text is known. Model loading is
excluded from all.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from workers.speech.decoding import duration_seconds
from workers.speech.transcription import BATCH_SIZE, SpeechModel, load_model

JFK = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "audio" / "jfk.flac"
CACHE = Path(tempfile.gettempdir()) / "truelevel-bench-transcription"

# Appended to the test interview's script (tests/workers/speech/interviews.py): about 5 minutes.
MORE_TURNS: tuple[tuple[str, str], ...] = (
    (
        "interviewer",
        "Let us talk about databases. How would you find out why a query got slow after a release?",
    ),
    (
        "candidate",
        "First I would look at the slow query log and compare the plans before and after the "
        "release. Most of the time an index is no longer used because a column type changed, or "
        "the statistics are out of date after a large import. I would run explain analyze on a "
        "copy of production data, fix the index or the query, and add a check to the deployment "
        "so the same plan regression is caught before it reaches customers.",
    ),
    ("interviewer", "And when would you add a cache in front of the database?"),
    (
        "candidate",
        "Only when the same data is read far more often than it changes, and when a few seconds "
        "of stale data is acceptable. A cache adds a second source of truth, so I would start "
        "with a short expiry, measure the hit rate, and make sure the service still works when "
        "the cache is empty or down.",
    ),
    ("interviewer", "Tell me about a time you disagreed with a colleague about a design."),
    (
        "candidate",
        "A colleague wanted to split the billing service into six small services. I thought it "
        "would make every change slower, because most features touched all of them. We wrote "
        "down the three changes we expected in the next quarter and sketched each one in both "
        "designs. The exercise showed that two services were enough, and we both agreed on that "
        "without a long argument.",
    ),
    ("interviewer", "How do you decide what to monitor in a new service?"),
    (
        "candidate",
        "I start from what the customer notices. For an API that is the error rate, the latency "
        "at the ninety fifth percentile, and whether requests are served at all. Then I add the "
        "saturation of the resources it depends on, such as the connection pool and the queue "
        "length. Every alert must point to something a person can act on, otherwise people "
        "learn to ignore the pager.",
    ),
    ("interviewer", "What happens when a deployment goes wrong in the middle of the night?"),
    (
        "candidate",
        "The person on call rolls back first and investigates later. We keep every release small "
        "and behind a feature flag, so rolling back is one command. The next morning we write a "
        "short review without blame, with the timeline, what we learned, and one or two changes "
        "that make the same failure less likely.",
    ),
    (
        "interviewer",
        "How would you design an endpoint that lets customers export a year of invoices?",
    ),
    (
        "candidate",
        "A year of invoices can be large, so I would not build the file inside the request. The "
        "endpoint creates an export job and returns its identifier at once. A worker builds the "
        "file in the background, stores it, and the customer downloads it from a signed link "
        "that expires after a day. The job can be retried safely because each step checks what "
        "is already done.",
    ),
    ("interviewer", "Which testing practices have helped your team the most?"),
    (
        "candidate",
        "Fast tests that run against a real database in a container, rather than mocks of it. "
        "Contract tests between services, so a change in one service cannot silently break "
        "another. And a habit of writing the failing test before fixing a bug, which keeps the "
        "same bug from coming back.",
    ),
    ("interviewer", "How do you keep a service secure when it handles payment data?"),
    (
        "candidate",
        "We never store card numbers ourselves; the payment provider keeps them and we keep a "
        "token. Secrets live in a vault and are rotated every month. Every change to the service "
        "is reviewed by a second engineer, and we run a dependency scanner in the build, so a "
        "library with a known vulnerability cannot reach production unnoticed.",
    ),
    ("interviewer", "How do you help a new engineer become productive on the team?"),
    (
        "candidate",
        "They pair with someone on a real but small change in the first week, and ship it to "
        "production. We keep a short guide for setting up the project that the newest person "
        "updates whenever something is wrong. I also ask them what confused them, because a "
        "fresh pair of eyes finds the gaps in our documentation.",
    ),
    ("interviewer", "Do you have any questions for us?"),
    (
        "candidate",
        "Yes. How does the team decide what to work on each quarter, and how much time is left "
        "for paying down technical debt?",
    ),
    (
        "interviewer",
        "Each quarter we agree on three goals with the product team and keep about a fifth of "
        "our time for maintenance. Thank you, that was very helpful.",
    ),
)


@dataclass(frozen=True)
class Recording:
    path: Path
    reference: str | None  # what is said, when known (for the word error rate)


def synthetic_interview() -> Recording:
    """The ~5-minute two-voice espeak-ng interview, synthesised once and cached."""
    from tests.workers.speech.interviews import SCRIPT, synthesise_interview

    script = (*SCRIPT[:-1], *MORE_TURNS)
    reference = " ".join(text for _, text in script)
    directory = CACHE / hashlib.sha1(reference.encode()).hexdigest()[:12]
    path = directory / "interview.wav"
    if not path.exists():
        synthesise_interview(directory, script)
    return Recording(path, reference)


def word_error_rate(reference: str, hypothesis: str) -> float:
    """WER on lower-cased words without punctuation (jiwer)."""
    import jiwer

    from workers.speech.transcription import normalise_text

    return float(jiwer.wer(normalise_text(reference), normalise_text(hypothesis) or "-"))


Run = Callable[[], str]  # one configuration's work on the file; returns the text it heard


def job_runner(model: SpeechModel, path: Path) -> Run:
    """An interview job's processing of `path` with warm models (``workers.interviews``)."""
    from backend.services.rubrics import default_rubric_categories
    from workers.interviews import pipeline
    from workers.interviews.assessment.embeddings import load_embedder
    from workers.interviews.loaded_models import LoadedModels
    from workers.speech.diarization import load_speaker_encoder

    loaded = LoadedModels(
        asr=model, speaker_encoder=load_speaker_encoder("cpu"), embedder=load_embedder()
    )

    def run() -> str:
        conversation = pipeline.recording_conversation(loaded, path)
        pipeline.report(
            loaded,
            conversation,
            role_title="Backend Engineer",
            rubric_categories=default_rubric_categories(),
            rubric_ref={"id": None, "version": None},
        )
        return " ".join(segment.text for segment in conversation.segments)

    return run


def sequential_runner(model: SpeechModel, path: Path) -> Run:
    """Bare ``WhisperModel.transcribe`` with faster-whisper's defaults."""

    def run() -> str:
        segments, _ = model.whisper.transcribe(str(path))
        return " ".join(segment.text.strip() for segment in segments)

    return run


def batched_runner(model: SpeechModel, path: Path, batch_size: int) -> Run:
    """Bare ``BatchedInferencePipeline.transcribe`` with its defaults and `batch_size`."""
    from faster_whisper import BatchedInferencePipeline

    pipeline = BatchedInferencePipeline(model.whisper)

    def run() -> str:
        segments, _ = pipeline.transcribe(str(path), batch_size=batch_size)
        return " ".join(segment.text.strip() for segment in segments)

    return run


def interleaved(runs: dict[str, Run], rounds: int) -> tuple[dict[str, float], dict[str, str]]:
    """Median seconds and the last text of each run: one warm-up round, then `rounds` rounds
    of one call each, the order rotated every round."""
    names = list(runs)
    texts = {name: runs[name]() for name in names}  # warm-up: allocations, page cache, numba
    times: dict[str, list[float]] = {name: [] for name in names}
    for index in range(rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            started = time.perf_counter()
            texts[name] = runs[name]()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(t) for name, t in times.items()}, texts


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("file", nargs="?", type=Path, help="default: the synthetic interview")
    parser.add_argument("--repeat", type=int, default=5, help="timed rounds (median)")
    parser.add_argument("--model", default="bundled")
    parser.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    args = parser.parse_args(argv)

    recording = Recording(args.file.resolve(), None) if args.file else synthetic_interview()
    started = time.perf_counter()
    model = load_model(args.model, device=args.device)
    load_s = time.perf_counter() - started
    audio_s = duration_seconds(recording.path)
    runs = {
        "job": job_runner(model, recording.path),
        "job-sequential": job_runner(replace(model, batch_size=0), recording.path),
        "bare-sequential": sequential_runner(model, recording.path),
        "batched-8": batched_runner(model, recording.path, 8),
        "batched-16": batched_runner(model, recording.path, 16),
    }
    seconds, texts = interleaved(runs, args.repeat)

    print(f"file      {recording.path}  ({audio_s:.1f} s of audio)")
    print(f"model     {args.model}  {model.device}/{model.compute_type}  ({model.name})")
    print(f"load      {load_s:.2f} s (not counted); job batch size {BATCH_SIZE}")
    print(f"rounds    {args.repeat} interleaved, median")
    for name, median_s in seconds.items():
        wer = ""
        if recording.reference is not None:
            wer = f"  WER {word_error_rate(recording.reference, texts[name]):.3f}"
        rate = audio_s / median_s
        print(f"{name:16s}{rate:7.1f} audio-s per wall-s  ({median_s:.2f} s){wer}")
    for name in ("job-sequential", "bare-sequential", "batched-8", "batched-16"):
        print(f"job / {name:16s}{seconds[name] / seconds['job']:6.2f}  (speed ratio)")
    jfk = JFK.resolve()
    if jfk.exists():
        from workers.speech.decoding import decode_audio
        from workers.speech.transcription import transcribe

        jfk_text = (
            "And so my fellow Americans, ask not what your country can do for you, "
            "ask what you can do for your country."
        )
        audio = decode_audio(jfk)
        for name, engine in (("job", model), ("job-sequential", replace(model, batch_size=0))):
            wer = word_error_rate(jfk_text, transcribe(engine, audio).text)
            print(f"jfk.flac WER {name:16s}{wer:.3f}")


if __name__ == "__main__":
    main()
