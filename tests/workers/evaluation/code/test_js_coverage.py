"""JavaScript suites run under V8's own coverage (``NODE_V8_COVERAGE``) in the real sandbox with
the real Node: the share of the candidate's own lines they execute is reported and scored by the
same rules as Python's coverage.py figures."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from backend.services.rubrics import default_rubric_categories
from backend.settings import Settings
from workers.evaluation.calibration import default_model
from workers.evaluation.code.js_coverage import code_offsets, coverage_figures
from workers.evaluation.code.test_runner import analyse_tests, run_tests
from workers.evaluation.scoring import score

needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")

# Eight lines of code: ``add`` (3) and ``module.exports`` run when only add is tested; ``sub``
# (4) does not.
CALC = """\
// A calculator.
function add(a, b) {
  const sum = a + b;
  return sum;
}

/* Subtraction,
   with a check. */
function sub(a, b) {
  const difference = a - b;
  if (difference > a) throw new Error('negative b');
  return difference;
}

module.exports = { add, sub };
"""
TEST_ADD = """
const test = require('node:test');
const assert = require('node:assert');
const { add } = require('../src/calc');

test('adds', () => assert.strictEqual(add(1, 2), 3));
test('adds negatives', () => assert.strictEqual(add(-1, -2), -3));
"""
TRIVIAL = "const test = require('node:test');\n" + "".join(
    f"test('t{i}', () => require('node:assert').ok(1 + 1 === 2));\n" for i in range(12)
)
FAST = Settings(sandbox_timeout_s=60)


def write(root: Path, files: dict[str, str]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content))
    return root


def scored_testing(report) -> dict:
    result = score(
        {"tests": report},
        rubric_categories=default_rubric_categories(),
        target_level="mid",
        calibration=default_model(),
    )
    (testing,) = [c for c in result["rubric_scores"] if c["signal_family"] == "testing"]
    return testing


@needs_node
def test_the_share_of_the_candidate_s_lines_the_tests_execute_is_reported(
    tmp_path: Path,
) -> None:
    root = write(
        tmp_path / "sub",
        {
            "src/calc.js": CALC,
            "test/calc.test.js": TEST_ADD,
            # Tool configuration is not the candidate's program.
            "eslint.config.js": "module.exports = [{ rules: { semi: 'error' } }];\n",
        },
    )
    report = analyse_tests(root, settings=FAST)
    assert report.signals["tests_run_ok"] is True
    assert report.signals["tests_line_coverage"] == 0.5
    assert report.signals["tests_own_statements"] == 8
    assert report.signals["tests_trivial"] is False
    assert report.signals["tests_passing_own_code"] == 2
    assert report.observations[0].text == (
        "1 javascript test file: 2 passed, 0 failed, 0 errors, 0 skipped. They execute 50% of "
        "the candidate's own code (4 of 8 lines, V8)."
    )
    testing = scored_testing(report)
    assert any(
        "execute 0.5 of the candidate's own lines" in o["text"] for o in testing["observations"]
    )
    # The same submission again: the same report, byte for byte.
    again = analyse_tests(root, settings=FAST)
    assert [o.to_dict() for o in again.observations] == [o.to_dict() for o in report.observations]


@needs_node
@pytest.mark.parametrize(
    "tests",
    [
        {"test/a.test.js": TRIVIAL, "test/b.test.js": TRIVIAL},
        # Loading the module runs its top level, not its logic: still nothing tested.
        {"test/a.test.js": TRIVIAL + "require('../src/calc');\n"},
    ],
)
def test_tests_that_never_exercise_the_code_earn_no_testing_points(
    tmp_path: Path, tests: dict[str, str]
) -> None:
    root = write(tmp_path / "sub", {"src/calc.js": CALC, **tests})
    report = analyse_tests(root, settings=FAST)
    assert report.signals["tests_passed"] == 12 * len(tests)
    assert report.signals["tests_line_coverage"] == 0.0
    assert report.signals["tests_trivial"] is True
    assert report.signals["tests_passing_own_code"] == 0
    observation = report.observations[0]
    assert "execute none of the candidate's own code (0 of 8 lines)" in observation.text
    assert observation.polarity == -1
    testing = scored_testing(report)
    assert testing["score"] == 1  # what a submission without any tests gets
    assert any("earn no Testing points" in o["text"] for o in testing["observations"])


@needs_node
def test_code_a_test_runner_transformed_is_said_to_be_unmeasured(tmp_path: Path) -> None:
    # As jest does: the module's text wrapped in a function and compiled under its path.
    loader = """
        const fs = require('node:fs');
        const vm = require('node:vm');
        const path = require('node:path');
        module.exports = (relative) => {
          const file = path.resolve(__dirname, relative);
          const wrapped = '(function (module, exports) {' + fs.readFileSync(file, 'utf8') + '\\n})';
          const module = { exports: {} };
          vm.runInThisContext(wrapped, { filename: file })(module, module.exports);
          return module.exports;
        };
    """
    test = """
        const test = require('node:test');
        const assert = require('node:assert');
        const { add } = require('./load')('../src/calc.js');
        test('adds', () => assert.strictEqual(add(1, 2), 3));
    """
    root = write(
        tmp_path / "sub",
        {"src/calc.js": CALC, "test/load.js": loader, "test/calc.test.js": test},
    )
    (run,) = run_tests(root, settings=FAST)
    assert (run.status, run.passed, run.failed) == ("ran", 2, 0), run.output_tail  # load.js too
    assert run.coverage is None
    assert run.coverage_note.startswith("the test runner transformed src/calc.js before running")
    report = analyse_tests(root, settings=FAST)
    assert report.signals["tests_line_coverage"] is None
    assert report.signals["tests_trivial"] is False
    assert "Coverage could not be measured: the test runner transformed" in (
        report.observations[0].text
    )


def test_node_s_type_stripping_keeps_typescript_positions(tmp_path: Path) -> None:
    # What Node 22 recorded for this file run by ``node --test`` with its type stripping: the
    # script is the file with types blanked and a sourceURL comment appended.
    source = (
        "export function area(w: number, h: number): number {\n"
        "  if (w < 0) {\n"
        '    throw new Error("negative");\n'
        "  }\n"
        "  return w * h;\n"
        "}\n"
        "export const unused = (x: string): string => x.toUpperCase();\n"
    )
    root = write(tmp_path / "sub", {"src/shape.ts": source})
    url = "file:///workspace/src/shape.ts"
    script_length = len(source) + len(f"\n\n//# sourceURL={url}")
    functions = [
        {
            "functionName": "",
            "ranges": [{"startOffset": 0, "endOffset": script_length, "count": 1}],
        },
        {
            "functionName": "area",
            "ranges": [
                {"startOffset": 7, "endOffset": 122, "count": 1},
                {"startOffset": 66, "endOffset": 104, "count": 0},
            ],
        },
        {"functionName": "unused", "ranges": [{"startOffset": 145, "endOffset": 183, "count": 0}]},
    ]
    gathered = json.dumps([{"url": url, "functions": functions}])
    figures, note = coverage_figures(root, gathered, passed=1)
    assert note == ""
    # area's two lines that ran and the export line; not the throw.
    assert (figures.statements, figures.executed_by_tests) == (5, 4)
    # The same ranges over a text of another length: transformed, not measured.
    shifted = gathered.replace(str(script_length), str(script_length + 40))
    figures, note = coverage_figures(root, shifted, passed=1)
    assert figures is None and "transformed src/shape.ts" in note


def test_comments_strings_and_brackets_are_not_lines_of_code() -> None:
    text = (
        "#!/usr/bin/env node\n"
        "// a comment\n"
        "const url = 'http://example.com/*not a comment*/';\n"
        "/* a block\n"
        "   comment */ run();\n"
        "  });\n"
        "const page = `<p>\n"
        "  text</p>`; render(page);\n"
    )
    starts = [text[offset : offset + 5] for offset in code_offsets(text)]
    assert starts == ["const", "run()", "const", "rende"]
