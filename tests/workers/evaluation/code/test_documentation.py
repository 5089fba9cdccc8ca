"""The documentation analyser on submissions written into tmp_path."""

from __future__ import annotations

from pathlib import Path

from workers.evaluation.code import documentation

EXPECTED_SIGNALS = {
    "has_readme",
    "readme_words",
    "has_setup_instructions",
    "has_tradeoffs_section",
    "tradeoff_statements",
    "docstring_ratio",
}


def write(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


README = """# Order service

A small service that totals shopping baskets.

## Running it

```sh
pip install -e .
python -m orders  # because the brief asked for a CLI
```

## Trade-offs

I chose SQLite because the brief expects a single process.
Prices in `Basket` are stored as integers of cents instead of floats, so `total` never drifts.
If I had more time I would add pagination to the `Basket` listing.

The API is documented in the code.
"""
SERVICE = '''"""Order totals."""

import sqlite3


def total(amounts: list[int]) -> int:
    """The sum of ``amounts`` in cents."""
    return sum(amounts)


class Basket:
    """A customer's basket."""

    def _reset(self) -> None:
        self.items = []
'''


def test_a_documented_project_explains_itself_and_a_bare_one_does_not(tmp_path: Path) -> None:
    clean = documentation.analyse(
        write(tmp_path / "clean", {"README.md": README, "orders/service.py": SERVICE})
    )
    bare = documentation.analyse(
        write(tmp_path / "bare", {"app.py": "def total(a):\n    return sum(a)\n"})
    )

    assert set(clean.signals) == EXPECTED_SIGNALS == set(bare.signals)
    assert clean.signals["has_readme"] is True and bare.signals["has_readme"] is False
    assert clean.signals["readme_words"] > 50 and bare.signals["readme_words"] == 0
    assert clean.signals["has_setup_instructions"] is True
    assert bare.signals["has_setup_instructions"] is False
    assert clean.signals["has_tradeoffs_section"] is True
    assert bare.signals["has_tradeoffs_section"] is False
    assert clean.signals["tradeoff_statements"] == 3  # the comment in the code block is no prose
    assert bare.signals["tradeoff_statements"] == 0
    assert clean.signals["docstring_ratio"] == 1.0  # _reset is private and not counted
    assert bare.signals["docstring_ratio"] == 0.0

    quotes = [
        (e.file, e.line, e.excerpt)
        for o in clean.observations
        for e in o.evidence
        if e.kind == "quote"
    ]
    assert ("README.md", 12, "Trade-offs") in quotes
    assert (
        "README.md",
        14,
        "I chose SQLite because the brief expects a single process.",
    ) in quotes
    assert all(o.polarity == -1 for o in bare.observations if o.category != "Code Quality")
    # What is missing cites what was searched.
    absent = [o.evidence for o in bare.observations if o.polarity == -1]
    assert all(len(e) == 1 and e[0].kind == "metric" for e in absent)
    assert [e[0].excerpt for e in absent[:3]] == [
        "no README (.md, .markdown, .rst, .txt or without extension) in any folder of the "
        "submission (1 file)",
        "no README and no docs/ document to read",
        "no README and no docs/ document to read",
    ]
    limitation = next(q for q in quotes if q[2] and q[2].startswith("If I had more time"))
    assert limitation[1] == 16


def test_reasons_that_name_nothing_in_the_code_are_quoted_but_not_credited(tmp_path: Path):
    report = documentation.analyse(
        write(
            tmp_path,
            {
                "README.md": "# Orders\nI round to cents because the invoices are in euros.\n",
                "orders/service.py": SERVICE,
            },
        )
    )
    assert report.signals["tradeoff_statements"] == 0
    (reasons,) = [o for o in report.observations if "reason" in o.text]
    assert reasons.category == documentation.REASONING and reasons.polarity == -1
    assert reasons.text.startswith("1 sentence gives a reason, but none names a module")
    assert [(e.kind, e.file, e.line) for e in reasons.evidence] == [("quote", "README.md", 2)]


def test_rst_readme_in_any_case_with_setext_headings(tmp_path: Path) -> None:
    readme = (
        "Shop\n====\n\nInstallation\n------------\n\n"
        "Run ``make`` first.\n\nLimitations\n-----------\n\n"
        "Refunds are not handled, because the brief left them out.\n"
    )
    signals = documentation.analyse(
        write(tmp_path, {"readme.rst": readme, "shop/refunds.py": "def refund():\n    pass\n"})
    ).signals

    assert signals["has_readme"] is True
    assert signals["has_setup_instructions"] is True
    assert signals["has_tradeoffs_section"] is True
    assert signals["tradeoff_statements"] == 1
    assert signals["docstring_ratio"] == 0.0


def test_decisions_in_a_separate_document_count(tmp_path: Path) -> None:
    files = {
        "README.md": "# Shop\n\nSee the docs.\n",
        "docs/DECISIONS.md": "# Decisions\n\nWe use Go rather than Node for the worker.\n",
        "worker.go": "package main\n",
    }
    signals = documentation.analyse(write(tmp_path, files)).signals

    assert signals["has_tradeoffs_section"] is True
    assert signals["tradeoff_statements"] == 1
    assert signals["has_setup_instructions"] is False


def test_jsdoc_and_go_doc_comments_count_as_documentation(tmp_path: Path) -> None:
    files = {
        "web/cart.js": (
            "/**\n * Adds two prices.\n */\nexport function add(a, b) {\n  return a + b;\n}\n\n"
            "export const twice = (x) => x * 2;\n"
        ),
        "shop/max.go": (
            "package shop\n\n// Max returns the larger price.\nfunc Max(a, b int) int {\n"
            "\treturn a\n}\n\nfunc Min(a, b int) int {\n\treturn b\n}\n"
        ),
    }
    signals = documentation.analyse(write(tmp_path, files)).signals

    assert signals["docstring_ratio"] == 0.5  # add and Max documented; twice and Min not


def test_two_runs_give_identical_reports(tmp_path: Path) -> None:
    root = write(tmp_path, {"README.md": README, "orders/service.py": SERVICE})
    first, second = documentation.analyse(root), documentation.analyse(root)

    assert first.signals == second.signals
    assert [o.to_dict() for o in first.observations] == [o.to_dict() for o in second.observations]
