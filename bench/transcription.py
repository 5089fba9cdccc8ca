"""Transcription throughput: our whole speech pipeline against bare faster-whisper, same file, same
model instance, same run.

    .venv/bin/python -m bench.transcription [file] [--repeat 3] [--model bundled] [--device auto]

Prints audio-seconds per wall-second (higher is faster) for
- pipeline: `decode_audio(channels="keep")` + `transcribe_channels` (decoding, channel checks,
  guards, one transcription per distinct channel), and
- bare: `WhisperModel.transcribe(path)` with the same decoding options, its generator consumed,
and the ratio pipeline / bare; then
- interview: everything an interview job does with the recording once its models are warm
  (`workers.interviews.pipeline`: decoding, transcription, speakers by channel or by voice,
  conversation metrics, the assessment with sentence embeddings), and its ratio to bare.
Model loading is excluded from all; one warm-up run of each is not counted; the median of the
timed runs is reported.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from workers.speech.channels import transcribe_channels
from workers.speech.decoding import decode_audio, duration_seconds
from workers.speech.transcription import SpeechModel, load_model

DEFAULT_FILE = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "audio" / "jfk.flac"
# The options our `transcribe` uses, so the bare run decodes the same way.
WHISPER_OPTIONS = {"language": "en", "beam_size": 5, "word_timestamps": True, "vad_filter": True}


def _pipeline(model: SpeechModel, path: Path) -> str:
    audio = decode_audio(path, channels="keep")
    return transcribe_channels(model, audio).transcript.text


def _bare(model: SpeechModel, path: Path) -> str:
    segments, _ = model.whisper.transcribe(str(path), **WHISPER_OPTIONS)
    return " ".join(segment.text.strip() for segment in segments)


def _median_seconds(run: Callable[[], str], repeat: int) -> tuple[float, str]:
    text = run()  # warm-up: first-call allocations, page cache
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        text = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), text


def _interview_seconds(model: SpeechModel, path: Path, repeat: int) -> float:
    """Median wall time of an interview job's processing of ``path`` (models already loaded)."""
    from backend.services.rubrics import default_rubric_categories
    from workers.evaluation.interview.embeddings import load_embedder
    from workers.interviews import pipeline
    from workers.interviews.models import LoadedModels
    from workers.speech.diarization import load_speaker_encoder

    loaded = LoadedModels(
        asr=model, speaker_encoder=load_speaker_encoder("cpu"), embedder=load_embedder()
    )

    def run() -> str:
        conversation = pipeline.recording_conversation(loaded, path)
        result = pipeline.report(
            loaded,
            conversation,
            role_title="Benchmark",
            rubric_categories=default_rubric_categories(),
            rubric_ref={"id": None, "version": None},
        )
        return result["assessment"]["recommendation"]

    seconds, _ = _median_seconds(run, repeat)
    return seconds


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_FILE.resolve())
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--model", default="bundled")
    parser.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    args = parser.parse_args(argv)

    started = time.perf_counter()
    model = load_model(args.model, device=args.device)
    load_s = time.perf_counter() - started
    audio_s = duration_seconds(args.file)
    pipeline_s, pipeline_text = _median_seconds(lambda: _pipeline(model, args.file), args.repeat)
    bare_s, bare_text = _median_seconds(lambda: _bare(model, args.file), args.repeat)

    print(f"file      {args.file.name}  ({audio_s:.1f} s of audio)")
    print(f"model     {args.model}  {model.device}/{model.compute_type}  ({model.name})")
    print(f"load      {load_s:.2f} s (not counted)")
    print(f"pipeline  {audio_s / pipeline_s:8.1f} audio-s per wall-s  ({pipeline_s:.3f} s median)")
    print(f"bare      {audio_s / bare_s:8.1f} audio-s per wall-s  ({bare_s:.3f} s median)")
    print(f"ratio     {bare_s / pipeline_s:8.2f}  (pipeline speed / bare speed; 1.0 = no overhead)")
    interview_s = _interview_seconds(model, args.file, args.repeat)
    interview_rate = audio_s / interview_s
    print(f"interview {interview_rate:8.1f} audio-s per wall-s  ({interview_s:.3f} s median)")
    print(f"ratio     {bare_s / interview_s:8.2f}  (interview job speed / bare speed)")
    print(f"pipeline text: {pipeline_text}")
    print(f"bare text:  {bare_text}")


if __name__ == "__main__":
    main()
