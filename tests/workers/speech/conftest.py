from __future__ import annotations

import pytest

from workers.speech.transcription import SpeechModel, load_model


@pytest.fixture(scope="session")
def model() -> SpeechModel:
    """The real bundled tiny.en model, loaded once for the whole run."""
    return load_model()
