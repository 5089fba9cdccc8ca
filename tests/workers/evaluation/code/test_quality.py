"""The quality analyser with the real ruff and lizard on submissions written into tmp_path."""

from __future__ import annotations

from pathlib import Path

from workers.evaluation.code import quality

EXPECTED_SIGNALS = {
    "lint_findings",
    "lint_findings_per_kloc",
    "functions",
    "avg_complexity",
    "max_complexity",
    "complex_functions",
    "long_functions",
    "duplicate_blocks",
    "lint_config",
}


def write(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


CLEAN_SERVICE = '''"""Order totals."""

from decimal import Decimal


def parse_amount(raw: str) -> Decimal:
    """The amount in ``raw``; ValueError when it is not a number."""
    try:
        return Decimal(raw)
    except ArithmeticError as error:
        raise ValueError(f"not an amount: {raw}") from error


def total(amounts: list[Decimal]) -> Decimal:
    """The sum of ``amounts``."""
    return sum(amounts, Decimal(0))
'''


def tangled_function() -> str:
    """A function with 14 decision points and 70 statements."""
    branches = "".join(f"    if kind == {i}:\n        result = result + {i}\n" for i in range(13))
    padding = "".join(f"    result = result * 1 + {i}\n" for i in range(50))
    return (
        "import os, sys\n"
        "def handle(kind, result=None):\n"
        "    if result == None:\n"
        "        result = 0\n" + branches + padding + "    return result\n"
    )


def test_clean_code_scores_better_than_tangled_code(tmp_path: Path) -> None:
    clean = quality.analyse(write(tmp_path / "clean", {"orders/service.py": CLEAN_SERVICE}))
    messy = quality.analyse(write(tmp_path / "messy", {"app.py": tangled_function()}))

    assert set(clean.signals) == EXPECTED_SIGNALS == set(messy.signals)
    assert clean.signals["lint_findings"] == 0
    assert messy.signals["lint_findings"] >= 3  # os and sys unused (F401), == None (E711)
    assert messy.signals["lint_findings_per_kloc"] > 0
    assert clean.signals["max_complexity"] <= 2 < messy.signals["max_complexity"]
    assert clean.signals["complex_functions"] == 0 and messy.signals["complex_functions"] == 1
    assert clean.signals["long_functions"] == 0 and messy.signals["long_functions"] == 1
    assert clean.signals["avg_complexity"] < messy.signals["avg_complexity"]

    worst = next(o for o in messy.observations if "cyclomatic" in o.text)
    assert "handle in app.py:2" in worst.text
    assert (worst.evidence[0].file, worst.evidence[0].line) == ("app.py", 2)
    assert worst.evidence[0].excerpt == "def handle(kind, result=None):"
    lint = next(o for o in messy.observations if "ruff" in o.text)
    assert any(e.excerpt and e.excerpt.startswith("F401") for e in lint.evidence)


def test_the_submissions_own_ruff_config_cannot_hide_findings(tmp_path: Path) -> None:
    files = {"app.py": "import os\n"}
    plain = quality.analyse(write(tmp_path / "plain", files)).signals["lint_findings"]
    silenced = {
        **files,
        "pyproject.toml": '[tool.ruff]\nexclude = ["*"]\n[tool.ruff.lint]\nignore = ["ALL"]\n',
    }
    configured = quality.analyse(write(tmp_path / "configured", silenced)).signals

    assert plain == configured["lint_findings"] == 1


def test_functions_are_measured_in_javascript_and_go(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "web/cart.js": (
                "function add(a, b) {\n  if (a > b) { return a; }\n  return b;\n}\n"
                "const twice = (x) => x * 2;\n"
            ),
            "main.go": (
                "package main\n\nfunc Max(a, b int) int {\n\tif a > b {\n\t\treturn a\n\t}\n"
                "\treturn b\n}\n"
            ),
        },
    )
    signals = quality.analyse(root).signals

    assert signals["functions"] >= 3
    assert signals["max_complexity"] == 2
    assert signals["lint_findings"] == 0 and signals["lint_findings_per_kloc"] is None


def test_copied_blocks_are_counted_and_cited(tmp_path: Path) -> None:
    block = "".join(f"    total = total + price_{i} * quantity_{i}\n" for i in range(8))
    root = write(
        tmp_path,
        {
            "billing/a.py": f"def invoice_total(total):\n{block}    return total\n",
            "billing/b.py": f"def quote_total(total):\n{block}    return total\n",
            "billing/c.py": "def unrelated(x):\n    return x + 1\n",
        },
    )
    report = quality.analyse(root)

    assert report.signals["duplicate_blocks"] == 1
    copied = next(o for o in report.observations if "repeat" in o.text).evidence[0]
    assert copied.file == "billing/b.py" and copied.line == 2
    assert "billing/a.py:2" in (copied.excerpt or "")


def test_test_code_and_generated_code_count_neither_for_lint_nor_complexity(tmp_path: Path) -> None:
    product = {"orders/__init__.py": "", "orders/service.py": CLEAN_SERVICE}
    with_tests = {
        **product,
        "tests/test_app.py": "import os\n" + tangled_function(),
        "test.py": "import sys\n",
        "orders/api_pb2.py": "# Generated by the protocol buffer compiler.\nimport os, sys\n",
        "orders/models_gen.py": "# Code generated by sqlc. DO NOT EDIT.\nimport os, sys\n",
    }
    alone = quality.analyse(write(tmp_path / "alone", product)).signals
    signals = quality.analyse(write(tmp_path / "with_tests", with_tests)).signals

    # Deleting the tests (or adding generated code) does not change Code Quality.
    assert signals["lint_findings"] == alone["lint_findings"] == 0
    assert signals["lint_findings_per_kloc"] == alone["lint_findings_per_kloc"]
    assert signals["functions"] == alone["functions"]


def test_the_project_s_own_ruff_conventions_are_respected_and_named(tmp_path: Path) -> None:
    long_line = "MESSAGE = '" + "x" * 120 + "'\n"
    code = {"app.py": "from fastapi import Depends\n\n\n" + long_line}
    config = '[tool.ruff]\nline-length = 140\n[tool.ruff.lint]\nignore = ["F401"]\n'
    plain = quality.analyse(write(tmp_path / "plain", code))
    configured = quality.analyse(write(tmp_path / "configured", {**code, "pyproject.toml": config}))

    assert plain.signals["lint_findings"] == 2  # unused import, line over 120
    assert plain.signals["lint_config"] == ""
    assert configured.signals["lint_findings"] == 0
    assert configured.signals["lint_config"] == "pyproject.toml"
    (lint,) = [o for o in configured.observations if "ruff" in o.text]
    assert "with the project's pyproject.toml, ignoring F401 as it does" in (
        lint.evidence[0].excerpt or ""
    )


def test_two_runs_give_identical_reports(tmp_path: Path) -> None:
    root = write(tmp_path, {"orders/service.py": CLEAN_SERVICE, "app.py": tangled_function()})
    first, second = quality.analyse(root), quality.analyse(root)

    assert first.signals == second.signals
    assert [o.to_dict() for o in first.observations] == [o.to_dict() for o in second.observations]


def test_tab_indentation_is_a_convention_not_thousands_of_findings(tmp_path: Path) -> None:
    tabbed = CLEAN_SERVICE.replace("    ", "\t")
    config = "[tool.ruff]\nline-length = 100\n"
    for project in ({}, {"pyproject.toml": config}):
        spaces = quality.analyse(
            write(
                tmp_path / f"spaces{len(project)}", {"orders/service.py": CLEAN_SERVICE, **project}
            )
        )
        tabs = quality.analyse(
            write(tmp_path / f"tabs{len(project)}", {"orders/service.py": tabbed, **project})
        )

        assert tabs.signals["lint_findings"] == spaces.signals["lint_findings"] == 0
        assert tabs.signals == spaces.signals
        assert [o.to_dict() for o in tabs.observations] == [
            o.to_dict() for o in spaces.observations
        ]
    # Mixing tabs and spaces in one line's indentation is still found (E101, and here the
    # syntax error it makes).
    mixed = tabbed.replace("\treturn sum(", " \treturn sum(")
    signals = quality.analyse(write(tmp_path / "mixed", {"orders/service.py": mixed})).signals
    assert signals["lint_findings"] == 2
