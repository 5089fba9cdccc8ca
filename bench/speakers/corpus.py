"""The real recordings, read from local snapshots of their public repositories.

Nothing of them is committed here: `python -m bench.speakers` reads each recording and its
reference turns out of a snapshot of its repository at the commit below, as the search tool's
`fetch` leaves it (a bare repository under /work/.mirror, or under ``$TRUELEVEL_SPEAKER_MIRRORS``).
The labels were made by the corpora's annotators, not by us (SpokenWOZ's are only trimmed, see
below), and no threshold in ``workers/speech/diarization.py`` was chosen while looking at them.

Group ``meeting``, from pyannote/pyannote-audio (MIT licence) at
b749285c5cdd4636b2edc7f766f1352c8dde9369:

- ``ami_dev00``, ``ami_dev01``, ``ami_trn01``..``ami_trn09``, ``ami_tst00``, ``ami_tst01``:
  pyannote's debugging set (``tests/data``), far-field mixes from the AMI Meeting Corpus
  (CC BY 4.0) with 1-4 speakers and overlapping speech; the first 30 s, the part its ``.uem``
  files say is annotated. (``trn00``, whose file name is not ASCII, is left out.)

Group ``conversation``, real two-person conversations (what an interview is):

- ``pyannote_sample``: pyannote/pyannote-audio at the commit above,
  ``src/pyannote/audio/sample/sample.wav`` with ``sample.rttm`` (MIT), 30 s, two people in
  conversation.
- ``spokenwoz_mul1423``, ``spokenwoz_sng0072``, ``spokenwoz_sng0480``, ``spokenwoz_sng0696``,
  ``spokenwoz_sng1263``, ``spokenwoz_sng1640``: SakanaAI/kame_finetune at
  29375140a7f4e11e862a4d1d8f75ff2339d446a5, ``data/spokenwoz_sample/audio/<ID>.wav`` with
  ``data/spokenwoz_sample/text/<ID>.json``: the bundled sample of SpokenWOZ (Si et al. 2023,
  https://spokenwoz.github.io), human-to-human English telephone dialogues between a user and a
  clerk (real people talking, not read or synthesised speech), 8 kHz, one speaker per channel,
  83-120 s each, used whole. Licence of the sample and of SpokenWOZ: CC BY-NC 4.0
  (non-commercial: a local measurement only; nothing is redistributed). The channels are
  downmixed to mono here, so the diarizer hears one mixed call, as from a single-channel
  recording. The reference is SpokenWOZ's word-level transcript (word, speaker A/B, start, end;
  speaker A is the left channel, B the right): a speaker's consecutive words closer than
  ``WORD_GAP_S`` are joined into one turn. Its word times are coarse (evenly spread inside an
  utterance), so that 20-30% of the frames they cover are quiet on the speaker's own channel;
  each turn is therefore trimmed to where the speaker's own channel is active (10 ms frames no
  more than ``QUIET_DB`` below that channel's median level inside its turns; quiet stretches
  shorter than ``BRIDGE_S`` stay in the turn; pieces shorter than ``MIN_TURN_S`` are dropped).
  The trimming removes 10-20% of the labelled time and never adds any; it reads only the
  recording's own channels, no output of the system under test.

The other 4 SpokenWOZ dialogues in that folder (MUL0947, MUL1266, MUL2195, MUL3404) are over the
snapshot's 4 MiB file limit, so their audio is absent.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.speakers.der import Turn, parse_rttm
from workers.speech.decoding import DecodedAudio, decode_audio

PYANNOTE = ("pyannote/pyannote-audio", "b749285c5cdd4636b2edc7f766f1352c8dde9369")
SPOKENWOZ = ("SakanaAI/kame_finetune", "29375140a7f4e11e862a4d1d8f75ff2339d446a5")
GROUPS = ("meeting", "conversation")

ANNOTATED_S = 30.0  # AMI debug set and pyannote sample: annotated part
AMI = ("dev00", "dev01", *(f"trn0{i}" for i in range(1, 10)), "tst00", "tst01")
RTTMS = (
    "tests/data/debug.train.rttm",
    "tests/data/debug.development.rttm",
    "tests/data/debug.test.rttm",
)
SAMPLE = ("src/pyannote/audio/sample/sample.wav", "src/pyannote/audio/sample/sample.rttm")

SPOKENWOZ_IDS = ("MUL1423", "SNG0072", "SNG0480", "SNG0696", "SNG1263", "SNG1640")
SPOKENWOZ_DIR = "data/spokenwoz_sample"
WORD_GAP_S = 0.5  # a speaker's words closer than this belong to one turn
QUIET_DB = 25.0  # a frame this far below the channel's median level in its turns is quiet
BRIDGE_S = 0.3  # a quiet stretch shorter than this stays inside a turn
MIN_TURN_S = 0.1  # a trimmed piece shorter than this is dropped
FRAME_S = 0.01


@dataclass(frozen=True)
class Recording:
    name: str
    group: str  # one of GROUPS
    audio: DecodedAudio  # 16 kHz mono, cut to the annotated part
    turns: list[Turn]


@dataclass(frozen=True)
class _Item:
    name: str
    group: str
    source: tuple[str, str]  # (repository, commit)
    audio_path: str
    window_s: float | None  # None: the whole recording


def snapshot(repository: str) -> Path:
    """The bare repository `fetch` made, or an error saying how to get it."""
    mirrors = Path(os.environ.get("TRUELEVEL_SPEAKER_MIRRORS", "/work/.mirror"))
    path = mirrors / repository.replace("/", "+") / "repo"
    if not path.is_dir():
        raise SystemExit(
            f"no snapshot of {repository} at {path}: fetch it (github:{repository}) or set "
            "TRUELEVEL_SPEAKER_MIRRORS to the folder that holds owner+name/repo"
        )
    return path


def _show(source: tuple[str, str], path: str) -> bytes:
    repository, commit = source
    return subprocess.run(
        ["git", "--git-dir", str(snapshot(repository)), "show", f"{commit}:{path}"],
        check=True,
        capture_output=True,
    ).stdout


def word_turns(words: list[dict], gap_s: float = WORD_GAP_S) -> list[Turn]:
    """Speaker turns from a word-level transcript: each speaker's words, in time order, joined
    while the silence between two of them is shorter than `gap_s`."""
    turns: list[Turn] = []
    for speaker in sorted({str(w["speaker"]) for w in words}):
        own = sorted(
            (float(w["start"]), float(w["end"]))
            for w in words
            if str(w["speaker"]) == speaker and float(w["end"]) > float(w["start"])
        )
        start, end = own[0] if own else (0.0, 0.0)
        for word_start, word_end in own[1:]:
            if word_start - end < gap_s:
                end = max(end, word_end)
            else:
                turns.append(Turn(start, end, speaker))
                start, end = word_start, word_end
        if own:
            turns.append(Turn(start, end, speaker))
    return sorted(turns, key=lambda t: (t.start, t.speaker))


def trim_to_channels(turns: list[Turn], audio: DecodedAudio, speakers: str) -> list[Turn]:
    """`turns` cut to the frames where each speaker's own channel (``speakers[i]`` speaks on
    channel i) is active: see the module docstring for the rule."""
    step = int(audio.sample_rate * FRAME_S)
    frames = audio.samples.shape[1] // step
    power = (audio.samples[:, : frames * step].reshape(audio.channels, frames, step) ** 2).mean(2)
    level = 10 * np.log10(power + 1e-12)
    trimmed: list[Turn] = []
    for channel, speaker in enumerate(speakers):
        labelled = np.zeros(frames, dtype=bool)
        for turn in turns:
            if turn.speaker == speaker:
                labelled[round(turn.start / FRAME_S) : round(turn.end / FRAME_S)] = True
        if not labelled.any():
            continue
        active = labelled & (level[channel] > np.median(level[channel][labelled]) - QUIET_DB)
        runs: list[list[int]] = []
        for index in np.flatnonzero(active).tolist():
            last = runs[-1][1] if runs else None
            if (
                last is not None
                and index - last - 1 < BRIDGE_S / FRAME_S
                and labelled[last:index].all()
            ):
                runs[-1][1] = index
            else:
                runs.append([index, index])
        trimmed += [
            Turn(round(start * FRAME_S, 2), round((end + 1) * FRAME_S, 2), speaker)
            for start, end in runs
            if (end + 1 - start) * FRAME_S >= MIN_TURN_S
        ]
    return sorted(trimmed, key=lambda t: (t.start, t.speaker))


def _items() -> list[_Item]:
    items = [
        _Item(f"ami_{name}", "meeting", PYANNOTE, f"tests/data/{name}.wav", ANNOTATED_S)
        for name in AMI
    ]
    items.append(_Item("pyannote_sample", "conversation", PYANNOTE, SAMPLE[0], ANNOTATED_S))
    items += [
        _Item(
            f"spokenwoz_{name.lower()}",
            "conversation",
            SPOKENWOZ,
            f"{SPOKENWOZ_DIR}/audio/{name}.wav",
            None,
        )
        for name in SPOKENWOZ_IDS
    ]
    return sorted(items, key=lambda i: i.name)


def _reference(item: _Item) -> list[Turn]:
    if item.name.startswith("ami_"):
        for path in RTTMS:
            found = parse_rttm(_show(item.source, path).decode()).get(item.name[4:])
            if found:
                return found
        raise KeyError(item.name)
    if item.name == "pyannote_sample":
        return next(iter(parse_rttm(_show(item.source, SAMPLE[1]).decode()).values()))
    stem = Path(item.audio_path).stem
    return word_turns(json.loads(_show(item.source, f"{SPOKENWOZ_DIR}/text/{stem}.json")))


def _spokenwoz(item: _Item, wav: Path) -> tuple[DecodedAudio, list[Turn]]:
    """The call downmixed to mono, and its turns trimmed on the separate channels."""
    turns = trim_to_channels(_reference(item), decode_audio(wav, channels="keep"), "AB")
    return decode_audio(wav, channels="mono"), turns


def names(group: str | None = None) -> list[str]:
    """Recording names, in order, optionally of one group only."""
    return [i.name for i in _items() if group is None or i.group == group]


def recordings(only: str | None = None, group: str | None = None) -> Iterator[Recording]:
    """Each recording with its reference turns, in name order."""
    with tempfile.TemporaryDirectory() as folder:
        for item in _items():
            if (only and item.name != only) or (group and item.group != group):
                continue
            wav = Path(folder) / f"{item.name}.wav"
            wav.write_bytes(_show(item.source, item.audio_path))
            if item.source == SPOKENWOZ:
                audio, turns = _spokenwoz(item, wav)
            else:
                audio, turns = decode_audio(wav, channels="mono"), _reference(item)
            cut = audio.samples.shape[1]
            if item.window_s is not None:
                cut = min(cut, int(item.window_s * audio.sample_rate))
            yield Recording(
                item.name,
                item.group,
                DecodedAudio(audio.samples[:, :cut], audio.sample_rate, 1, audio.container),
                turns,
            )
