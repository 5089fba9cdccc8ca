"""The "documentation" analyser: the README, how to set the project up, the candidate's own
explanation of decisions and trade-offs (quoted sentence by sentence), and how much of the
public code carries docstrings.

Documents are read as plain text with Markdown and reStructuredText headings recognised; code
blocks are kept apart from prose so that a shell command never counts as an explanation and a
sentence never counts as a command.
"""

from __future__ import annotations

import ast
import re
import time
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path, PurePosixPath

from workers.evaluation.code.evidence import AnalyserReport, Evidence, Observation
from workers.evaluation.code.grounding import code_names, is_grounded
from workers.evaluation.code.walk import SubmissionFile, submission_files

REPORT_NAME = "documentation"
REASONING = "Reasoning and Trade-offs"
QUALITY = "Code Quality"
_DOC_SUFFIXES = (".md", ".markdown", ".rst", ".txt", "")
_NOT_EXPLANATIONS = {"license", "changelog", "contributing", "code_of_conduct", "security"}
_MAX_QUOTES = 5
_QUOTE_CHARS = 300

_SETUP_HEADING = re.compile(
    r"(?i)\b(install(ation|ing)?|set ?up|getting started|quick ?start|running|run|usage|"
    r"how to|build(ing)?|development|requirements|prerequisites)\b"
)
_COMMAND = re.compile(
    r"^\s*(?:\$\s*)?(?:pip3?|pipx|poetry|uv|python3?|pytest|npm|npx|yarn|pnpm|bun|node|go|mvn|"
    r"\./mvnw|gradle|\./gradlew|make|docker(?:-compose)?|docker compose|cargo|dotnet|java)\s"
)
_TRADEOFF_HEADING = re.compile(
    r"(?i)trade-?\s?offs?|decisions?|design|limitations?|assumptions?|next steps|"
    r"future (work|improvements)|what i.?d do|if i had more time|known issues|improvements"
)
_TRADEOFF_SENTENCE = re.compile(
    r"(?i)\b(because|instead of|trade-?\s?offs?|chose|chosen|choose|would|limitations?|"
    r"if i had more time|rather than|opted|decided)\b"
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(`])")
_FENCE = re.compile(r"^\s*(```|~~~)")
_UNDERLINE = re.compile(r"^\s*([=\-~^*#])\1{2,}\s*$")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_LABEL = re.compile(r"^\s*(?:\*\*|__)?([A-Z][\w' -]{2,60}?)(?:\*\*|__)?:?\s*$|^\s*\*\*(.+?)\*\*")
_INLINE_CODE = re.compile(r"`([^`]+)`")
_LIST_MARK = re.compile(r"^\s*(?:[-*+>]|\d+[.)])\s+")

# Declarations counted for documentation outside Python (a rough, line-based reading).
_JS_DECLARATION = re.compile(
    r"^\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?function\s*\*?\s*[A-Za-z_$][\w$]*\s*\("
    r"|^\s*(?:export\s+)?(?:const|let|var)\s+[A-Za-z_$][\w$]*\s*=\s*(?:async\s+)?"
    r"(?:\([^)]*\)|[A-Za-z_$][\w$]*)\s*=>"
    r"|^\s*(?:export\s+)?(?:default\s+)?(?:abstract\s+)?class\s+[A-Za-z_$]"
)
_GO_DECLARATION = re.compile(r"^func\s+(?:\([^)]*\)\s*)?[A-Z]\w*\s*[\[(]|^type\s+[A-Z]\w*\s")
_JAVA_DECLARATION = re.compile(
    r"^\s*public\s+(?:(?:static|final|abstract|synchronized|default)\s+)*"
    r"(?:(?:class|interface|record|enum)\s+\w+|[\w<>\[\],.? ]+\s+\w+\s*\()"
)


@dataclass(frozen=True)
class Block:
    """One paragraph of prose or one heading, with the line it starts on."""

    line: int
    text: str
    heading: bool
    # (offset in ``text``, line number) where each source line of a paragraph begins
    line_starts: tuple[tuple[int, int], ...] = ()


@dataclass
class Document:
    """A documentation file split into prose, headings and code."""

    relative: str
    blocks: list[Block] = field(default_factory=list)
    code_lines: list[tuple[int, str]] = field(default_factory=list)
    words: int = 0


def parse_document(relative: str, text: str) -> Document:
    """Split Markdown or reStructuredText into headings, prose paragraphs and code lines."""
    document = Document(relative, words=len(text.split()))
    lines = text.splitlines()
    paragraph: list[tuple[int, str]] = []
    in_fence = False

    def flush() -> None:
        if paragraph:
            parts = [(n, _LIST_MARK.sub("", t).strip()) for n, t in paragraph]
            starts, offset = [], 0
            for number, part in parts:
                starts.append((offset, number))
                offset += len(part) + 1
            joined = " ".join(part for _, part in parts)
            document.blocks.append(Block(paragraph[0][0], joined, False, tuple(starts)))
            paragraph.clear()

    for index, raw in enumerate(lines):
        number = index + 1
        if _FENCE.match(raw):
            flush()
            in_fence = not in_fence
            continue
        if in_fence or (raw.startswith(("    ", "\t")) and not paragraph):
            document.code_lines.append((number, raw))
            continue
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if heading := _MD_HEADING.match(raw):
            flush()
            document.blocks.append(Block(number, heading.group(1), True))
        elif raw.strip() and _UNDERLINE.match(following) and not _UNDERLINE.match(raw):
            flush()
            document.blocks.append(Block(number, raw.strip(), True))
        elif _UNDERLINE.match(raw) or not raw.strip():
            flush()
        elif (label := _LABEL.match(raw)) and not paragraph:
            document.blocks.append(Block(number, (label.group(1) or label.group(2)), True))
        else:
            paragraph.append((number, raw))
    flush()
    for number, raw in [(b.line, b.text) for b in document.blocks if not b.heading]:
        document.code_lines += [(number, span) for span in _INLINE_CODE.findall(raw)]
    return document


def sentences(document: Document) -> list[tuple[int, str]]:
    """(line, sentence) for every sentence of the document's prose, with the line it starts on."""
    found = []
    for block in document.blocks:
        if block.heading:
            continue
        bounds = [0] + [m.end() for m in _SENTENCE_END.finditer(block.text)] + [len(block.text)]
        for start, end in pairwise(bounds):
            sentence = block.text[start:end].strip()
            if sentence:
                line = max((n for offset, n in block.line_starts if offset <= start), default=0)
                found.append((line or block.line, sentence))
    return found


def _doc_files(files: list[SubmissionFile]) -> tuple[SubmissionFile | None, list[SubmissionFile]]:
    """The README (at the root when there is one, else the shallowest) and every document that
    may hold the candidate's explanations (Markdown and reST at the root and in ``docs/``)."""
    readmes = [
        f
        for f in files
        if PurePosixPath(f.relative).stem.lower() == "readme"
        and PurePosixPath(f.relative).suffix.lower() in _DOC_SUFFIXES
    ]

    def rank(f: SubmissionFile) -> tuple:
        path = PurePosixPath(f.relative)
        return (len(path.parts), _DOC_SUFFIXES.index(path.suffix.lower()), f.relative)

    readme = min(readmes, key=rank, default=None)
    documents = [
        f
        for f in files
        if (len(PurePosixPath(f.relative).parts) == 1 or f.relative.startswith("docs/"))
        and PurePosixPath(f.relative).suffix.lower() in (".md", ".markdown", ".rst")
        and PurePosixPath(f.relative).stem.lower() not in _NOT_EXPLANATIONS
        and f is not readme
    ]
    return readme, ([readme] if readme else []) + documents


def analyse(root: Path) -> AnalyserReport:
    """README, setup instructions, trade-offs and docstrings of the submission under ``root``:
    the "documentation" analyser."""
    started = time.monotonic()
    files = list(submission_files(root))
    readme_file, doc_files = _doc_files(files)
    documents = [parse_document(f.relative, f.read_text() or "") for f in doc_files]
    readme = documents[0] if readme_file else None

    setup = [_setup_evidence(d) for d in documents]
    setup_evidence = next((e for e in setup if e is not None), None)
    # A reason counts only when it is about this code: it names a module, a function, a class
    # or a library of the submission. A trade-off heading counts only above such a reason.
    names = code_names(files)
    statements = [
        Evidence(kind="quote", file=d.relative, line=line, excerpt=sentence[:_QUOTE_CHARS])
        for d in documents
        for line, sentence in sentences(d)
        if _TRADEOFF_SENTENCE.search(sentence) and is_grounded(sentence, names)
    ]
    # Reasons read but not credited: they name nothing of this submission (stock prose, or a
    # reason about the task rather than the code). Quoted so a reviewer sees they were read.
    ungrounded = [
        Evidence(kind="quote", file=d.relative, line=line, excerpt=sentence[:_QUOTE_CHARS])
        for d in documents
        for line, sentence in sentences(d)
        if _TRADEOFF_SENTENCE.search(sentence) and not is_grounded(sentence, names)
    ]
    grounded_files = {s.file for s in statements}
    tradeoff_headings = [
        Evidence(kind="quote", file=d.relative, line=b.line, excerpt=b.text[:_QUOTE_CHARS])
        for d in documents
        for b in d.blocks
        if b.heading and _TRADEOFF_HEADING.search(b.text) and d.relative in grounded_files
    ]
    documented, units = _docstring_counts(files)
    # A README counts when it is about this code: it names something in it or says how to run
    # it. Stock text pasted into one (or as one) is not documentation of the work.
    about_code = readme is not None and (
        _setup_evidence(readme) is not None
        or any(is_grounded(sentence, names) for _, sentence in sentences(readme))
    )
    signals: dict[str, float | int | str | bool | None] = {
        "has_readme": about_code,
        "readme_words": readme.words if readme and about_code else 0,
        "has_setup_instructions": setup_evidence is not None,
        "has_tradeoffs_section": bool(tradeoff_headings),
        "tradeoff_statements": len(statements),
        "docstring_ratio": round(documented / units, 3) if units else None,
    }
    report = AnalyserReport(name=REPORT_NAME, signals=signals)
    report.observations += _observations(
        readme,
        about_code,
        documents,
        len(files),
        setup_evidence,
        tradeoff_headings,
        statements,
        ungrounded,
        documented,
        units,
    )
    report.seconds = round(time.monotonic() - started, 3)
    return report


def _setup_evidence(document: Document) -> Evidence | None:
    for number, code in document.code_lines:
        if _COMMAND.match(code + " "):
            return Evidence(kind="quote", file=document.relative, line=number, excerpt=code.strip())
    for block in document.blocks:
        if block.heading and _SETUP_HEADING.search(block.text):
            return Evidence(
                kind="quote", file=document.relative, line=block.line, excerpt=block.text
            )
    return None


def _docstring_counts(files: list[SubmissionFile]) -> tuple[int, int]:
    """(documented, all) public functions and classes outside tests."""
    documented = units = 0
    for file in files:
        if file.language not in ("python", "javascript", "typescript", "go", "java"):
            continue
        if file.is_test:
            continue
        text = file.read_text()
        if text is None:
            continue
        counts = (
            _python_docstrings(text) if file.language == "python" else _comment_docs(file, text)
        )
        documented += counts[0]
        units += counts[1]
    return documented, units


def _python_docstrings(text: str) -> tuple[int, int]:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return 0, 0
    nodes = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        and not node.name.startswith("_")  # private helpers and dunders need no docstring
    ]
    return sum(1 for node in nodes if ast.get_docstring(node)), len(nodes)


def _comment_docs(file: SubmissionFile, text: str) -> tuple[int, int]:
    """JSDoc/Javadoc (``/** ... */``) or Go doc comments (``// Name ...``) right above a
    declaration."""
    pattern = {"go": _GO_DECLARATION, "java": _JAVA_DECLARATION}.get(
        file.language or "", _JS_DECLARATION
    )
    lines = text.splitlines()
    documented = units = 0
    for index, line in enumerate(lines):
        if not pattern.match(line):
            continue
        units += 1
        above = index - 1
        while above >= 0 and (not lines[above].strip() or lines[above].lstrip().startswith("@")):
            above -= 1  # annotations and decorators sit between a doc comment and its target
        if above < 0:
            continue
        previous = lines[above].strip()
        if file.language == "go":
            documented += previous.startswith("//")
            continue
        if previous.endswith("*/"):
            start = above
            while start > 0 and "/*" not in lines[start]:
                start -= 1
            documented += "/**" in lines[start]
    return documented, units


def _searched(documents: list[Document]) -> str:
    """The documents an absence observation was looked for in, as a reviewer reads them."""
    names = ", ".join(d.relative for d in documents[:_MAX_QUOTES])
    more = f" and {len(documents) - _MAX_QUOTES} more" if len(documents) > _MAX_QUOTES else ""
    noun = "document" if len(documents) == 1 else "documents"
    words = sum(d.words for d in documents)
    return f"{len(documents)} {noun} ({names}{more}; {words:,} words)"


def _observations(
    readme: Document | None,
    about_code: bool,
    documents: list[Document],
    file_count: int,
    setup: Evidence | None,
    headings: list[Evidence],
    statements: list[Evidence],
    ungrounded: list[Evidence],
    documented: int,
    units: int,
) -> list[Observation]:
    # An absence cites what was searched: every file for a README, the documents for the rest.
    found = []
    no_documents = Evidence(kind="metric", excerpt="no README and no docs/ document to read")
    if readme is None:
        searched = Evidence(
            kind="metric",
            excerpt="no README (.md, .markdown, .rst, .txt or without extension) in any folder "
            f"of the submission ({file_count:,} file{'s' if file_count != 1 else ''})",
        )
        found.append(Observation(REASONING, "The submission has no README.", -1, (searched,)))
    elif not about_code:
        text = (
            f"{readme.relative} names nothing in the code and gives no way to run it: it does "
            "not count as documentation of this work."
        )
        found.append(Observation(REASONING, text, -1, (Evidence("file", readme.relative),)))
    else:
        polarity = 1 if readme.words >= 150 else 0
        text = f"{readme.relative} has {readme.words:,} words."
        found.append(Observation(REASONING, text, polarity, (Evidence("file", readme.relative),)))
    if setup is not None:
        text = "The documentation explains how to install and run the project."
        found.append(Observation(REASONING, text, 1, (setup,)))
    else:
        metric = (
            Evidence(
                kind="metric",
                excerpt=f"0 install or run commands and 0 setup headings in {_searched(documents)}",
            )
            if documents
            else no_documents
        )
        found.append(
            Observation(REASONING, "No setup or run instructions were found.", -1, (metric,))
        )
    if headings or statements:
        text = (
            f"The candidate explains decisions: {len(statements)} sentences give reasons or "
            f"trade-offs" + (f", under '{headings[0].excerpt}'." if headings else ".")
        )
        found.append(Observation(REASONING, text, 1, tuple((headings + statements)[:_MAX_QUOTES])))
    elif ungrounded:
        count = len(ungrounded)
        text = (
            f"{count} sentence{'s' if count != 1 else ''} give{'' if count != 1 else 's'} a "
            "reason, but none names a module, function, class or library of this submission, "
            "so no decision about this code is credited."
        )
        found.append(Observation(REASONING, text, -1, tuple(ungrounded[:_MAX_QUOTES])))
    else:
        text = "The candidate does not explain any decision, trade-off or limitation."
        metric = (
            Evidence(
                kind="metric",
                excerpt=f"0 trade-off headings and 0 sentences giving reasons in "
                f"{_searched(documents)}",
            )
            if documents
            else no_documents
        )
        found.append(Observation(REASONING, text, -1, (metric,)))
    if units:
        ratio = documented / units
        polarity = 1 if ratio >= 0.6 else -1 if ratio < 0.2 else 0
        text = f"{ratio:.0%} of public functions and classes have docstrings or doc comments."
        metric = Evidence(kind="metric", excerpt=f"{documented} of {units} documented")
        found.append(Observation(QUALITY, text, polarity, (metric,)))
    return found
