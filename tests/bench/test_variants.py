"""The validity benchmark's generated variants edit a tree as their names say."""

from __future__ import annotations

from pathlib import Path

from bench.validity.variants import delete_tests
from workers.evaluation.code.test_runner import find_test_files

KEPT = (
    "package.json",
    "src/index.js",
    "src/parse.ts",
    "app/models.py",
    "app/__init__.py",
    "main.go",
)
TESTS = (
    "src/index.test.js",
    "src/parse.spec.ts",
    "src/__tests__/render.tsx",
    "test/cli.js",
    "test/fixtures/input.json",
    "spec/helpers.js",
    "tests/test_models.py",
    "tests/conftest.py",
    "app/models_test.py",
    "test.py",
    "main_test.go",
    "testing/test_api.py",
)


def test_deleting_tests_removes_javascript_and_typescript_tests_too(tmp_path: Path) -> None:
    for name in KEPT + TESTS:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("import unittest\n" if name == "test.py" else "x\n")
    assert set(find_test_files(tmp_path)) == {"python", "javascript", "typescript", "go"}

    delete_tests(tmp_path)

    left = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert left == sorted(KEPT)
    assert find_test_files(tmp_path) == {}
    assert not (tmp_path / "src" / "__tests__").exists()
