"""Whether a sentence of prose is about this submission: it names something that exists in it
(a module, a function or class, a library it imports). Stock text ("we chose a modular
architecture because it improves maintainability") names nothing of the code and earns nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import PurePosixPath

from workers.evaluation.code.walk import SubmissionFile

_DECLARED = re.compile(
    r"^\s*(?:async\s+)?(?:def|class|function|func|type|interface)\s+([A-Za-z_]\w*)"
    r"|^\s*(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*="
    r"|^\s*(?:from|import)\s+([A-Za-z_]\w*)"
    r"|require\(\s*['\"]([@\w./-]+)['\"]\s*\)|from\s+['\"]([@\w./-]+)['\"]",
    re.MULTILINE,
)
_WORD = re.compile(r"[A-Za-z_][\w.-]*")
# Names too short or too ordinary to show that a sentence is about this code.
_MIN_NAME = 4
_ORDINARY = frozenset(
    {"main", "test", "tests", "init", "setup", "utils", "util", "self", "data", "config",
     "index", "helpers", "types", "core", "base", "models", "time", "json", "path", "paths",
     "string", "typing", "future", "__future__", "object", "none", "true", "false", "with",
     "this", "that", "from", "import", "value", "values", "result", "error", "errors"}
)  # fmt: skip


def code_names(files: Iterable[SubmissionFile]) -> frozenset[str]:
    """The names a sentence about this submission could use, lowercased: source file stems,
    declared functions, classes and constants, and imported modules."""
    names: set[str] = set()
    for file in files:
        if file.language is None:
            continue
        stem = PurePosixPath(file.relative).stem
        names.add(stem)
        text = file.read_text() or ""
        for match in _DECLARED.finditer(text):
            name = next(group for group in match.groups() if group)
            names.add(name.split("/")[-1])
    # "SQLite" names sqlite3, "HTTP2" names http2: a trailing version is dropped too.
    names |= {name.rstrip("0123456789") for name in names}
    return frozenset(
        name.lower() for name in names if len(name) >= _MIN_NAME and name.lower() not in _ORDINARY
    )


def is_grounded(sentence: str, names: frozenset[str]) -> bool:
    """True when the sentence names at least one of ``names``."""
    for word in _WORD.findall(sentence):
        lowered = word.lower().strip(".-")
        if lowered in names or lowered.split(".")[0] in names or lowered.split(".")[-1] in names:
            return True
    return False
