"""The interview models of one worker process: speech recognition, speaker embeddings and
sentence embeddings, each loaded once and shared by every job the process runs.

The consumer starts loading them as it starts (``preload``, in the background, so it takes jobs
at once); a job that arrives before they are warm waits for them under the ``loading_weights``
state. Each state change is reported to the database (``WorkerModelState``), which is what the
public model status reads: workers are other processes, possibly on other machines. A thread of
the process renews those reports every ``HEARTBEAT`` for as long as it runs, jobs or not, so a
worker busy for longer than the status's live window still counts as alive.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from backend.db import session_scope
from backend.services.leases import worker_identity
from backend.settings import get_settings

log = logging.getLogger(__name__)


def process_identity() -> str:
    """The worker process (not thread): models are per process."""
    return worker_identity().rsplit(":", 1)[0]


@dataclass
class LoadedModels:
    asr: Any = None  # workers.speech.transcription.SpeechModel
    speaker_encoder: Any = None  # workers.speech.speaker_embeddings.SpeakerEncoder
    embedder: Any = None  # workers.interviews.assessment.embeddings embedder
    names: dict[str, str] = field(default_factory=dict)


_models = LoadedModels()
_lock = threading.Lock()
_heartbeat_lock = threading.Lock()
_heartbeat: threading.Thread | None = None


def is_warm(*, speech: bool = True) -> bool:
    """Whether every interview model of this process is loaded (``speech=False``: the sentence
    model, all that a transcript sent as text needs)."""
    needed = (_models.asr, _models.speaker_encoder, _models.embedder) if speech else ()
    return _models.embedder is not None and all(m is not None for m in needed)


def _report(role: str, name: str, state: str, *, device: str | None = None, **extra: Any) -> None:
    try:
        from backend.services.interviews.model_status import report_model_state

        with session_scope() as session:
            report_model_state(
                session,
                worker_id=process_identity(),
                role=role,
                name=name,
                device=device,
                state=state,
                **extra,
            )
    except Exception:  # model status is informative; a failed report never stops a job
        log.exception("reporting the %s model state failed", role)


def keep_saying_alive(interval_s: float | None = None) -> threading.Thread:
    """Start, once per process, the thread that renews this worker's model reports every
    ``interval_s`` (the status's HEARTBEAT by default); the running thread is returned."""
    global _heartbeat
    from backend.services.interviews.model_status import HEARTBEAT, worker_alive

    seconds = HEARTBEAT.total_seconds() if interval_s is None else interval_s

    def beat() -> None:
        while True:
            time.sleep(seconds)
            try:
                with session_scope() as session:
                    worker_alive(session, worker_id=process_identity())
            except Exception:  # the next beat tries again; the live window outlasts a few
                log.exception("saying the worker is alive failed")

    with _heartbeat_lock:
        if _heartbeat is None or not _heartbeat.is_alive():
            _heartbeat = threading.Thread(target=beat, name="model-heartbeat", daemon=True)
            _heartbeat.start()
        return _heartbeat


def _footprint_mib(path: str | None) -> int | None:
    """Size of a model's files on disk, a fair stand-in for its memory footprint."""
    if not path:
        return None
    from pathlib import Path

    root = Path(path)
    if root.is_file():
        return max(1, root.stat().st_size // (1024 * 1024))
    if root.is_dir():
        size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
        return max(1, size // (1024 * 1024))
    return None


def load(*, speech: bool = True) -> LoadedModels:
    """Load whatever is not loaded yet (once per process, whichever thread asks first);
    ``speech=False`` loads only the sentence model (a transcript sent as text)."""
    keep_saying_alive()
    with _lock:
        settings = get_settings()
        if speech and _models.asr is None:
            from workers.speech.transcription import load_configured_model

            name = settings.speech_model
            # The status is public: names only, never a configured path or an error's details.
            _report("asr", _short(name), "loading")
            try:
                _models.asr = load_configured_model(settings)
            except Exception:
                log.exception("loading the speech model %s failed", name)
                _report("asr", _short(name), "failed", detail="Not loaded; see the worker log.")
                raise
            _models.names["asr"] = (
                "whisper-tiny.en (bundled)" if name == "bundled" else f"whisper:{_short(name)}"
            )
            _report(
                "asr",
                _models.names["asr"],
                "warm",
                device=f"{_models.asr.device}/{_models.asr.compute_type}",
                footprint_mib=_footprint_mib(_models.asr.name),
            )
        if speech and _models.speaker_encoder is None:
            from workers.speech.speaker_embeddings import (
                ENCODER_NAME,
                load_speaker_encoder,
                model_files,
            )

            _report("diarization", ENCODER_NAME, "loading")
            try:
                _models.speaker_encoder = load_speaker_encoder(settings.speaker_device)
            except Exception:
                log.exception("loading the speaker model %s failed", ENCODER_NAME)
                _report(
                    "diarization", ENCODER_NAME, "failed", detail="Not loaded; see the worker log."
                )
                raise
            _models.names["diarization"] = ENCODER_NAME
            _report(
                "diarization",
                ENCODER_NAME,
                "warm",
                device=str(getattr(_models.speaker_encoder, "device", "cpu")),
                footprint_mib=_footprint_mib(str(model_files()[1])),
            )
        if _models.embedder is None:
            from workers.interviews.assessment.embeddings import load_embedder

            _report("embeddings", _short(settings.sentence_model), "loading")
            _models.embedder = load_embedder(settings.sentence_model)
            _models.names["embeddings"] = (
                "all-MiniLM-L6-v2"
                if settings.sentence_model == "bundled"
                else settings.sentence_model
            )
            _report(
                "embeddings", _models.names["embeddings"], "warm", device="cpu", footprint_mib=88
            )
        return _models


def _short(path_or_name: str) -> str:
    from pathlib import Path

    return Path(path_or_name).name or path_or_name


def preload_in_background() -> None:
    """Start loading at consumer start-up without holding up the consumer."""

    def run() -> None:
        try:
            load()
        except Exception:
            log.exception("preloading the interview models failed; jobs will retry the load")

    threading.Thread(target=run, name="interview-model-preload", daemon=True).start()
