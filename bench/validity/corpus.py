"""The labelled corpus: items read from ``corpus.toml`` and rebuilt from local mirrors.

Snapshots of other people's repositories are never committed here. Each item is rebuilt with
``git archive`` at its recorded commit from a bare mirror of its repository: the folder named by
``$TRUELEVEL_VALIDITY_MIRRORS`` (default ``/work/.mirror``) holds ``<owner>+<name>/repo``. An
item whose mirror is absent is reported as missing, never silently dropped.
"""

from __future__ import annotations

import io
import os
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

Label = Literal["strong", "mediocre", "beginner"]
Split = Literal["tuning", "heldout", "heldout2", "heldout3"]

CORPUS_FILE = Path(__file__).resolve().parent / "corpus.toml"
DEFAULT_MIRRORS = Path("/work/.mirror")


@dataclass(frozen=True)
class Item:
    """One real repository, its label and the reason for it (written before any run)."""

    name: str
    source: str
    commit: str
    licence: str
    label: Label
    split: Split
    why: str

    @property
    def strong(self) -> bool:
        """The positive class of every AUC: strong against mediocre and beginner work."""
        return self.label == "strong"

    @property
    def mirror_key(self) -> str:
        owner, name = self.source.rstrip("/").split("/")[-2:]
        return f"{owner}+{name}"


def load(path: Path = CORPUS_FILE) -> list[Item]:
    """Every item of the corpus, in file order."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    items = [Item(**row) for row in data["item"]]
    for item in items:
        if item.label not in get_args(Label) or item.split not in get_args(Split):
            raise ValueError(f"{item.name}: unknown label {item.label!r} or split {item.split!r}")
    return items


def mirrors_root() -> Path:
    return Path(os.environ.get("TRUELEVEL_VALIDITY_MIRRORS", DEFAULT_MIRRORS))


def mirror(item: Item) -> Path | None:
    """The bare git directory of the item's repository, or None when it is not here."""
    candidate = mirrors_root() / item.mirror_key / "repo"
    return candidate if candidate.is_dir() else None


def materialise(item: Item, dest: Path) -> list[str]:
    """Write the item's tree at its commit into ``dest`` (created) and return the paths left
    out because the mirror lacks their content (a mirror keeps no file of 4 MiB or more). No
    history: the item is evaluated as a zip upload is."""
    git_dir = mirror(item)
    if git_dir is None:
        raise FileNotFoundError(f"no mirror for {item.source} under {mirrors_root()}")
    git = ["git", f"--git-dir={git_dir}"]
    listing = subprocess.run(
        [*git, "ls-tree", "-r", "-z", item.commit], check=True, capture_output=True
    ).stdout.decode()
    entries = [_entry(line) for line in listing.split("\0") if line]
    blobs = [(mode, sha, path) for mode, kind, sha, path in entries if kind == "blob"]
    batch = subprocess.run(
        [*git, "cat-file", "--batch"],
        input="".join(f"{sha}\n" for _, sha, _ in blobs).encode(),
        check=True,
        capture_output=True,
    ).stdout
    absent: list[str] = []
    stream = io.BytesIO(batch)
    for mode, _, path in blobs:
        header = stream.readline().split()
        if len(header) < 3 or header[1] != b"blob":
            absent.append(path)
            continue
        content = stream.read(int(header[2]))
        stream.read(1)  # the newline after each object
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if mode == "120000":  # a symbolic link, zipped as one (as GitHub's zip holds it)
            target.symlink_to(content.decode("utf-8", "replace"))
            continue
        target.write_bytes(content)
        if mode == "100755":
            target.chmod(0o755)
    dest.mkdir(parents=True, exist_ok=True)
    return absent


def _entry(line: str) -> tuple[str, str, str, str]:
    meta, path = line.split("\t", 1)
    mode, kind, sha = meta.split()
    return mode, kind, sha, path
