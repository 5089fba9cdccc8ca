"""Real Python projects of the shapes candidates hand in (``src/`` layout, flat with ``tests/``,
unittest in ``test.py``, undeclared or uninstallable dependencies, tests that test nothing),
run for real in the sandbox with the test tools of the runtime install."""

from __future__ import annotations

import textwrap
from pathlib import Path

from backend.services.rubrics import default_rubric_categories
from backend.settings import Settings
from workers.evaluation.calibration import default_model
from workers.evaluation.code.test_runner import analyse_tests, run_tests
from workers.evaluation.scoring import score

FAST = Settings(sandbox_timeout_s=30)

PRICING = """
    def total(prices, discount=0):
        if not 0 <= discount <= 100:
            raise ValueError("discount out of range")
        subtotal = sum(prices)
        return subtotal - subtotal * discount // 100
"""


def write(root: Path, files: dict[str, str]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content))
    return root


def observation_on_testing(report):
    (observation,) = [o for o in report.observations if o.category == "Testing"]
    return observation


def test_a_src_layout_project_is_importable_and_its_coverage_is_evidence(tmp_path: Path) -> None:
    root = write(
        tmp_path / "sub",
        {
            "pyproject.toml": '[project]\nname = "shop"\nversion = "1.0"\n',
            "src/shop/__init__.py": "",
            "src/shop/pricing.py": PRICING,
            "tests/test_pricing.py": """
                import pytest
                from shop.pricing import total

                def test_total():
                    assert total([100, 50]) == 150

                def test_discount():
                    assert total([100], discount=10) == 90

                def test_bad_discount():
                    with pytest.raises(ValueError):
                        total([1], discount=101)
            """,
        },
    )
    report = analyse_tests(root, settings=FAST)
    assert report.signals["tests_run_ok"] is True
    assert report.signals["tests_passed"] == 3
    assert report.signals["tests_line_coverage"] == 1.0
    assert report.risk_flags == []
    observation = observation_on_testing(report)
    assert "3 passed, 0 failed" in observation.text
    assert "100% of the candidate's own code" in observation.text
    quote = next(e for e in observation.evidence if e.kind == "quote")
    assert "3 passed in <t>" in quote.excerpt  # the run's output, without its timing


def test_the_candidate_s_package_wins_over_one_the_worker_has_installed(tmp_path: Path) -> None:
    # The worker has httpx installed; a candidate's own package of that name is what is tested.
    root = write(
        tmp_path / "sub",
        {
            "src/httpx/__init__.py": "def get(url):\n    return 'candidate:' + url\n",
            "tests/test_client.py": """
                import httpx

                def test_it_is_the_candidate_s_code():
                    assert httpx.__file__ == "/workspace/src/httpx/__init__.py"
                    assert httpx.get("x") == "candidate:x"
            """,
        },
    )
    (run,) = run_tests(root, settings=FAST)
    assert (run.status, run.passed, run.failed, run.errors) == ("ran", 1, 0, 0), run.output_tail


def test_a_missing_third_party_dependency_is_reported_not_counted_as_failing(
    tmp_path: Path,
) -> None:
    root = write(
        tmp_path / "sub",
        {
            "requirements.txt": "requests==2.32.3\n",
            "src/weather/__init__.py": "",
            "src/weather/client.py": """
                import requests

                def temperature(city):
                    return requests.get(f"https://example.com/{city}").json()["t"]
            """,
            "tests/test_client.py": """
                from weather.client import temperature

                def test_temperature():
                    assert temperature
            """,
        },
    )
    report = analyse_tests(root, settings=FAST)
    assert report.signals["tests_run"] is False
    assert report.signals["tests_missing_dependencies"] == "requests"
    assert [f.code for f in report.risk_flags] == []  # no false "tests_failing"
    observation = observation_on_testing(report)
    assert "could not install / missing dependency: requests" in observation.text
    quote = observation.evidence[0]
    assert quote.kind == "quote"
    assert "No module named 'requests'" in quote.excerpt


def test_a_unittest_suite_in_test_py_runs(tmp_path: Path) -> None:
    root = write(
        tmp_path / "sub",
        {
            "pricing.py": PRICING,
            "test.py": """
                import unittest
                from pricing import total

                class TotalTest(unittest.TestCase):
                    def test_total(self):
                        self.assertEqual(total([1, 2]), 3)

                    def test_discount(self):
                        self.assertEqual(total([100], 50), 50)

                if __name__ == "__main__":
                    unittest.main()
            """,
            "scripts/test_data.json": "{}",
        },
    )
    report = analyse_tests(root, settings=FAST)
    assert report.signals["test_files"] == 1
    assert (report.signals["tests_passed"], report.signals["tests_failed"]) == (2, 0)
    assert report.signals["tests_run_ok"] is True
    # test.py is test code, not the candidate's product: coverage is over pricing.py only.
    assert 0 < report.signals["tests_line_coverage"] < 1


def test_tests_that_never_touch_the_code_earn_no_testing_points(tmp_path: Path) -> None:
    trivial = "\n".join(f"def test_{i}():\n    assert 1 + 1 == 2\n" for i in range(12))
    root = write(
        tmp_path / "sub",
        {
            "pricing.py": PRICING,
            # Importing the code from a conftest executes its definitions, not its logic.
            "tests/conftest.py": "import pricing  # noqa: F401\n",
            "tests/test_a.py": trivial,
            "tests/test_b.py": trivial,
            "tests/test_c.py": trivial,
        },
    )
    report = analyse_tests(root, settings=FAST)
    assert report.signals["tests_passed"] == 36
    assert report.signals["tests_trivial"] is True
    assert report.signals["tests_line_coverage"] == 0.0
    observation = observation_on_testing(report)
    assert "execute none of the candidate's own code" in observation.text
    assert observation.polarity == -1

    rubric = default_rubric_categories()
    result = score(
        {"tests": report}, rubric_categories=rubric, target_level="mid", calibration=default_model()
    )
    (testing,) = [c for c in result["rubric_scores"] if c["signal_family"] == "testing"]
    assert testing["score"] == 1  # what a submission without any tests gets
    assert any("earn no Testing points" in o["text"] for o in testing["observations"])


def test_padding_a_real_suite_with_trivial_tests_adds_no_testing_points(tmp_path: Path) -> None:
    real = """
        import pytest
        from pricing import total

        def test_total():
            assert total([100, 50]) == 150

        @pytest.mark.parametrize("discount", [0, 10, 50])
        def test_discount(discount):
            assert total([100], discount=discount) == 100 - discount
    """
    trivial = "\n".join(f"def test_{i}():\n    assert 1 + 1 == 2\n" for i in range(12))
    honest = write(tmp_path / "honest", {"pricing.py": PRICING, "tests/test_pricing.py": real})
    padded = write(
        tmp_path / "padded",
        {"pricing.py": PRICING, "tests/test_pricing.py": real, "tests/test_more.py": trivial},
    )

    before, after = analyse_tests(honest, settings=FAST), analyse_tests(padded, settings=FAST)

    assert (before.signals["tests_passed"], after.signals["tests_passed"]) == (4, 16)
    # Two test functions reach the code (a parametrised function counts once, not per case).
    assert before.signals["tests_passing_own_code"] == 2
    assert after.signals["tests_passing_own_code"] == 2
    rubric = default_rubric_categories()
    scores = [
        score(
            {"tests": r}, rubric_categories=rubric, target_level="mid", calibration=default_model()
        )
        for r in (before, after)
    ]
    testing = [
        next(c["score"] for c in s["rubric_scores"] if c["signal_family"] == "testing")
        for s in scores
    ]
    assert testing[1] == testing[0]


def test_the_same_project_gives_the_same_report(tmp_path: Path) -> None:
    root = write(
        tmp_path / "sub",
        {
            "pricing.py": PRICING,
            "tests/test_pricing.py": "from pricing import total\n\n"
            "def test_total():\n    assert total([1]) == 1\n",
        },
    )
    first, second = analyse_tests(root, settings=FAST), analyse_tests(root, settings=FAST)
    assert first.signals == second.signals
    assert [o.to_dict() for o in first.observations] == [o.to_dict() for o in second.observations]
