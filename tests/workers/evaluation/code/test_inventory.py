"""The inventory analyser on small real submissions written into tmp_path."""

from __future__ import annotations

import os
from pathlib import Path

from workers.evaluation.code import inventory
from workers.evaluation.code.walk import MAX_FILE_BYTES, source_files

EXPECTED_SIGNALS = {
    "source_files",
    "source_lines",
    "primary_language",
    "languages",
    "language_count",
    "modules",
    "max_directory_depth",
    "has_package_manifest",
    "largest_file_lines",
    "type_annotation_ratio",
    "error_handling_sites",
}


def write(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


CLEAN = {
    "pyproject.toml": '[project]\nname = "orders"\nversion = "0.1.0"\ndependencies = []\n',
    "src/orders/__init__.py": "",
    "src/orders/service.py": (
        "from decimal import Decimal\n\n\n"
        "def parse_amount(raw: str) -> Decimal:\n"
        "    try:\n"
        "        return Decimal(raw)\n"
        "    except ArithmeticError as error:\n"
        "        raise ValueError(f'not an amount: {raw}') from error\n\n\n"
        "def total(amounts: list[Decimal]) -> Decimal:\n"
        "    return sum(amounts, Decimal(0))\n\n\n"
        "class Basket:\n"
        "    def add(self, amount: Decimal) -> None:\n"
        "        self.amount = amount\n"
    ),
    "tests/test_service.py": (
        "from orders.service import total\n\n\ndef test_total():\n    assert total([]) == 0\n"
    ),
}
MESSY = {
    "app.py": (
        "import json\n\n"
        "def load(p):\n    return json.load(open(p))\n\n"
        "def run(a, b):\n    x = load(a)\n    return x[b]\n"
    ),
}


def test_clean_typed_project_reads_better_than_a_messy_one(tmp_path: Path) -> None:
    clean = inventory.analyse(write(tmp_path / "clean", CLEAN)).signals
    messy = inventory.analyse(write(tmp_path / "messy", MESSY)).signals

    assert set(clean) == EXPECTED_SIGNALS == set(messy)
    assert clean["has_package_manifest"] is True and messy["has_package_manifest"] is False
    assert clean["type_annotation_ratio"] == 1.0  # test functions are not counted
    assert messy["type_annotation_ratio"] == 0.0
    assert clean["error_handling_sites"] == 1 and messy["error_handling_sites"] == 0
    assert clean["modules"] == 2  # service.py, __init__.py; the test file is not a module
    assert clean["source_files"] == 3
    assert clean["max_directory_depth"] == 2 and messy["max_directory_depth"] == 0
    assert clean["primary_language"] == messy["primary_language"] == "python"


def test_error_handling_is_counted_in_go_javascript_and_java(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "go.mod": "module example.com/shop\n",
            "main.go": (
                "package main\n\nfunc main() {\n\tf, err := open()\n\tif err != nil {\n"
                "\t\treturn\n\t}\n\tif err := f.Close(); err != nil {\n\t\tpanic(err)\n\t}\n}\n"
            ),
            "web/app.js": "try {\n  run();\n} catch (e) {\n  log(e);\n}\nfetch(u).catch(log);\n",
            "src/Main.java": (
                "class Main {\n  void m() {\n    try { a(); } catch (Exception e) {}\n  }\n}\n"
            ),
        },
    )
    report = inventory.analyse(root)

    assert report.signals["error_handling_sites"] == 2 + 2 + 1
    assert report.signals["primary_language"] == "go"  # most lines
    assert report.signals["languages"] == "go,javascript,java"  # by lines, most first
    assert report.signals["language_count"] == 3
    assert report.signals["type_annotation_ratio"] is None  # neither Python nor TypeScript
    cited = next(o for o in report.observations if "handled explicitly" in o.text).evidence
    assert ("main.go", 5, "if err != nil {") in [(e.file, e.line, e.excerpt) for e in cited]


def test_typescript_counts_as_typed(tmp_path: Path) -> None:
    root = write(
        tmp_path, {"src/index.ts": "export function add(a: number): number {\n  return a;\n}\n"}
    )

    assert inventory.analyse(root).signals["type_annotation_ratio"] == 1.0


def test_vendored_folders_links_and_huge_files_are_left_out(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "app.py": "print('hi')\n",
            "node_modules/lib/index.js": "module.exports = 1;\n",
            "vendor/github.com/x/y.go": "package y\n",
            "build/out.js": "var a = 1;\n",
            ".venv/lib/site.py": "x = 1\n",
            "static/app.min.js": "var a=1;\n",
        },
    )
    (root / "huge.py").write_text("x = 1\n" * (MAX_FILE_BYTES // 6 + 10))
    outside = tmp_path.parent / f"{tmp_path.name}-outside.py"
    outside.write_text("secret = 1\n" * 50)
    os.symlink(outside, root / "linked.py")

    assert [f.relative for f in source_files(root)] == ["app.py"]
    signals = inventory.analyse(root).signals
    assert signals["source_files"] == 1 and signals["source_lines"] == 1


def test_a_submission_without_code_is_reported_as_such(tmp_path: Path) -> None:
    report = inventory.analyse(write(tmp_path, {"notes.txt": "nothing here\n"}))

    assert report.signals["source_files"] == 0
    assert report.signals["primary_language"] == ""
    assert report.signals["type_annotation_ratio"] is None
    assert report.observations[0].polarity == -1
    (evidence,) = report.observations[0].evidence
    assert evidence.kind == "metric" and evidence.excerpt.startswith("0 source files")
    assert evidence.excerpt.endswith("among 1 file")


def test_what_is_missing_cites_how_much_was_looked_at(tmp_path: Path) -> None:
    report = inventory.analyse(write(tmp_path, MESSY))

    missing = {o.text: o.evidence for o in report.observations if o.polarity == -1}
    (manifests,) = missing[
        "No package manifest declares the project's dependencies or how to build it."
    ]
    (handling,) = missing["No explicit error handling (try/catch, error returns) was found."]
    assert manifests.kind == handling.kind == "metric"
    assert manifests.excerpt.startswith("0 package manifests (pyproject.toml, requirements.txt")
    assert manifests.excerpt.endswith("among 1 file")
    assert handling.excerpt == "0 error-handling sites in 1 source file (6 lines)"


def test_two_runs_give_identical_reports(tmp_path: Path) -> None:
    root = write(tmp_path, CLEAN | MESSY)
    first, second = inventory.analyse(root), inventory.analyse(root)

    assert first.signals == second.signals
    assert [o.to_dict() for o in first.observations] == [o.to_dict() for o in second.observations]


def test_a_pyproject_with_only_a_name_and_version_declares_nothing(tmp_path: Path) -> None:
    bare = {"pyproject.toml": '[project]\nname = "app"\nversion = "0.1.0"\n', "app.py": "x = 1\n"}
    signals = inventory.analyse(write(tmp_path, bare)).signals

    assert signals["has_package_manifest"] is False
