"""The validity figures from audio: each candidate's interview spoken by espeak-ng and processed as
an interview job processes an uploaded mono recording.

Voices: one interviewer voice for everyone, and one of ``CANDIDATE_VOICES`` per candidate, chosen
from the candidate's role and profile so that each voice speaks good and bad candidates of every
role (``voice_for``). Renders are cached under the temp directory, keyed by a hash of the script
and the voices. Processing is the job's own (``workers.interviews.pipeline``):
``recording_conversation`` (transcription with the job's vocabulary, speakers by voice) and
``report`` (roles, metrics, the assessment against the default rubric and the role's questions).
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.interview_validity.corpus import INTERVIEWER, PROFILES, Candidate, load_roles

CACHE = Path(tempfile.gettempdir()) / "truelevel-bench-interview-validity"


@dataclass(frozen=True)
class Spoken:
    """One candidate's interview as the job saw it."""

    voice: str
    assessment: dict[str, Any]
    method: str  # how speakers were told apart (embeddings, single)
    speakers: int
    wer: float
    wer_without_vocabulary: float | None


def _voices():
    from tests.workers.speech.interviews import Voice

    interviewer = Voice("en-us", pitch=30, speed=165)
    candidates = (
        Voice("en-gb+f3", pitch=75, speed=155),  # high British female, slow
        Voice("en-us+f2", pitch=60, speed=180),  # American female, fast
        # Male, slow. The British male variants tried (en-gb-scotland+m3 p55, en-gb-x-rp+m1
        # p70) are heard as one voice with the interviewer (diarization separation 0.32).
        Voice("en-us+m7", pitch=65, speed=150),
    )
    return interviewer, candidates


def voice_for(candidate: Candidate):
    """The candidate's voice: profile index plus role index, modulo the number of voices, so
    every profile is heard in more than one voice across roles."""
    _, voices = _voices()
    titles = [role.title for role in load_roles()]
    profile = [name for name, _, _ in PROFILES].index(candidate.name.rsplit("/", 1)[1])
    return voices[(profile + titles.index(candidate.role.title)) % len(voices)]


def render(candidate: Candidate, turns: list[tuple[str, str]]) -> Path:
    """The interview as a mono WAV (cached): turns 0.8 s apart, no interruption."""
    from tests.workers.speech.interviews import synthesise_interview

    interviewer, _ = _voices()
    script = [("interviewer" if who == INTERVIEWER else "candidate", text) for who, text in turns]
    voices = {"interviewer": interviewer, "candidate": voice_for(candidate)}
    key = hashlib.sha1(repr((script, sorted(voices.items()))).encode()).hexdigest()[:16]
    path = CACHE / key / "interview.wav"
    if not path.exists():
        synthesise_interview(path.parent, script, voices=voices, interrupting_turn=None)
    return path


def vocabulary(candidate: Candidate) -> tuple[str, ...]:
    """The job's vocabulary as ``job_vocabulary.interview_vocabulary`` builds it: technical
    terms of the role title, the job posting and the questions asked with their key points,
    misconceptions and level descriptors."""
    from backend.services.pipeline.job_vocabulary import job_vocabulary

    questions = [q.guide() for q in candidate.questions]
    return job_vocabulary(candidate.role.title, candidate.role.job_posting, questions)


def load_models():
    """The job's models, loaded as a worker loads them (without reporting their state)."""
    from workers.interviews.assessment.embeddings import load_embedder
    from workers.interviews.loaded_models import LoadedModels
    from workers.speech.diarization import load_speaker_encoder
    from workers.speech.transcription import load_model

    return LoadedModels(
        asr=load_model("bundled"),
        speaker_encoder=load_speaker_encoder("cpu"),
        embedder=load_embedder("bundled"),
    )


def process(
    loaded,
    candidate: Candidate,
    *,
    compare_vocabulary: bool = False,
    kept: Path | None = None,
    rescore: bool = False,
) -> Spoken:
    """Render the candidate, run the job's processing on the recording, and measure the WER of
    its transcript against the script (and without the vocabulary, when asked). ``kept``: where
    the conversation is pickled; with ``rescore`` it is read from there instead (no speech
    models: only the assessment runs again)."""
    import pickle

    from backend.services.rubrics import default_rubric_categories
    from bench.transcription import word_error_rate
    from workers.interviews import pipeline

    turns = candidate.turns()
    reference = " ".join(text for _, text in turns)
    if rescore and kept is not None:
        conversation = pickle.loads(kept.read_bytes())
    else:
        path = render(candidate, turns)
        conversation = pipeline.recording_conversation(loaded, path, vocabulary(candidate))
        if kept is not None:
            kept.parent.mkdir(parents=True, exist_ok=True)
            kept.write_bytes(pickle.dumps(conversation))
    result = pipeline.report(
        loaded,
        conversation,
        role_title=candidate.role.title,
        rubric_categories=default_rubric_categories(),
        rubric_ref={"id": None, "version": None},
        questions=[q.guide() for q in candidate.role.questions],
    )
    heard = " ".join(segment.text for segment in conversation.segments)
    without = None
    if compare_vocabulary and not rescore:
        path = render(candidate, turns)
        from workers.speech.channels import transcribe_channels
        from workers.speech.decoding import decode_audio

        bare = transcribe_channels(loaded.asr, decode_audio(path, channels="keep"))
        without = word_error_rate(reference, " ".join(s.text for s in bare.transcript.segments))
    voice = voice_for(candidate)
    return Spoken(
        voice=f"{voice.name} p{voice.pitch} s{voice.speed}",
        assessment=result["assessment"],
        method=result["diarization"]["method"],
        speakers=result["diarization"]["speaker_count"],
        wer=word_error_rate(reference, heard),
        wer_without_vocabulary=without,
    )
