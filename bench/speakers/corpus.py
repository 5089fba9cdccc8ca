"""The real recordings, read from a local snapshot of their public repository.

Nothing of them is committed here: `python -m bench.speakers` reads each recording and its
reference turns out of a snapshot of pyannote/pyannote-audio (MIT licence) at the commit below,
as the search tool's `fetch` leaves it (a bare repository under /work/.mirror, or under
``$TRUELEVEL_SPEAKER_MIRRORS``). The labels were made by the corpus' annotators, not by us, and
no threshold in ``workers/speech/diarization.py`` was chosen while looking at them.

- ``ami_dev00``, ``ami_dev01``, ``ami_trn01``..``ami_trn09``, ``ami_tst00``, ``ami_tst01``:
  pyannote's debugging set (``tests/data``), far-field mixes from the AMI Meeting Corpus
  (CC BY 4.0) with 1-4 speakers and overlapping speech; the first 30 s, the part its ``.uem``
  files say is annotated.
- ``pyannote_sample``: ``src/pyannote/audio/sample/sample.wav`` (MIT), 30 s, two people in
  conversation.

(``trn00``, whose file name is not ASCII, is left out.)
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.speakers.der import Turn, parse_rttm
from workers.speech.decoding import DecodedAudio, decode_audio

REPOSITORY = "pyannote/pyannote-audio"
COMMIT = "b749285c5cdd4636b2edc7f766f1352c8dde9369"
ANNOTATED_S = 30.0
AMI = ("dev00", "dev01", *(f"trn0{i}" for i in range(1, 10)), "tst00", "tst01")
RTTMS = (
    "tests/data/debug.train.rttm",
    "tests/data/debug.development.rttm",
    "tests/data/debug.test.rttm",
)
SAMPLE = ("src/pyannote/audio/sample/sample.wav", "src/pyannote/audio/sample/sample.rttm")


@dataclass(frozen=True)
class Recording:
    name: str
    audio: DecodedAudio  # 16 kHz mono, cut to the annotated part
    turns: list[Turn]


def snapshot() -> Path:
    """The bare repository `fetch` made, or an error saying how to get it."""
    mirrors = Path(os.environ.get("TRUELEVEL_SPEAKER_MIRRORS", "/work/.mirror"))
    path = mirrors / REPOSITORY.replace("/", "+") / "repo"
    if not path.is_dir():
        raise SystemExit(
            f"no snapshot of {REPOSITORY} at {path}: fetch it (github:{REPOSITORY}) or set "
            "TRUELEVEL_SPEAKER_MIRRORS to the folder that holds owner+name/repo"
        )
    return path


def _show(repo: Path, path: str) -> bytes:
    return subprocess.run(
        ["git", "--git-dir", str(repo), "show", f"{COMMIT}:{path}"],
        check=True,
        capture_output=True,
    ).stdout


def recordings(only: str | None = None) -> Iterator[Recording]:
    """Each recording with its reference turns, in name order."""
    repo = snapshot()
    turns = {f"ami_{k}": v for p in RTTMS for k, v in parse_rttm(_show(repo, p).decode()).items()}
    turns["pyannote_sample"] = next(iter(parse_rttm(_show(repo, SAMPLE[1]).decode()).values()))
    wavs = {f"ami_{name}": f"tests/data/{name}.wav" for name in AMI}
    wavs["pyannote_sample"] = SAMPLE[0]
    with tempfile.TemporaryDirectory() as folder:
        for name in sorted(wavs):
            if only and name != only:
                continue
            wav = Path(folder) / f"{name}.wav"
            wav.write_bytes(_show(repo, wavs[name]))
            audio = decode_audio(wav, channels="mono")
            cut = int(ANNOTATED_S * audio.sample_rate)
            yield Recording(
                name,
                DecodedAudio(audio.samples[:, :cut], audio.sample_rate, 1, audio.container),
                turns[name],
            )
