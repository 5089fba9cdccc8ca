"""Real Python projects of the shapes candidates hand in (``src/`` layout, flat with ``tests/``,
unittest in ``test.py``, undeclared or uninstallable dependencies, tests that test nothing),
run for real in the sandbox with the test tools of the runtime install. The projects that
declare dependencies have them fetched from the real package index (PyPI)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from backend.services.rubrics import default_rubric_categories
from backend.settings import Settings
from workers.evaluation.calibration import default_model
from workers.evaluation.code import dependencies
from workers.evaluation.code.build_cache import builds_in_use, evict
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


def test_a_project_module_named_like_the_standard_library_s_does_not_stop_pytest(
    tmp_path: Path,
) -> None:
    # pytest loads pdb, which imports ``code``: the candidate's menu must not run instead.
    root = write(
        tmp_path / "sub",
        {
            "code.py": """
                choice = input("1) add  2) quit: ")
                print("you chose", choice)
            """,
            "random.py": "raise RuntimeError('not the standard library')\n",
            "calc.py": "def add(a, b):\n    return a + b\n",
            "tests/test_calc.py": """
                from calc import add

                def test_add():
                    assert add(2, 3) == 5
            """,
        },
    )
    (run,) = run_tests(root, settings=FAST)
    assert (run.status, run.passed, run.failed, run.errors) == ("ran", 1, 0, 0), run.output_tail
    assert run.coverage is not None and run.coverage.executed_by_tests > 0


def test_the_tests_still_import_the_candidate_s_module_named_like_the_standard_library_s(
    tmp_path: Path,
) -> None:
    root = write(
        tmp_path / "sub",
        {
            "code.py": "def greet(name):\n    return 'hello ' + name\n",
            "test_code.py": """
                import code

                def test_greet():
                    assert code.__file__ == "/workspace/code.py"
                    assert code.greet("x") == "hello x"
            """,
        },
    )
    (run,) = run_tests(root, settings=FAST)
    assert (run.status, run.passed, run.failed, run.errors) == ("ran", 1, 0, 0), run.output_tail


def test_an_undeclared_third_party_dependency_is_reported_not_counted_as_failing(
    tmp_path: Path,
) -> None:
    # The project imports requests but declares nothing: nothing is installed for it.
    root = write(
        tmp_path / "sub",
        {
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
    assert "missing dependency: requests" in observation.text
    assert "the project declares no dependencies" in observation.text
    quote = observation.evidence[0]
    assert quote.kind == "quote"
    assert "No module named 'requests'" in quote.excerpt


def test_one_module_with_a_missing_dependency_does_not_stop_the_rest(tmp_path: Path) -> None:
    # jmespath's extra/test_hypothesis.py needs hypothesis, which it declares only for older
    # Pythons: its main suite must still run and count.
    root = write(
        tmp_path / "sub",
        {
            "pricing.py": PRICING,
            "tests/test_pricing.py": """
                from pricing import total

                def test_total():
                    assert total([100, 50]) == 150

                def test_discount():
                    assert total([100], discount=10) == 90
            """,
            "extra/test_properties.py": """
                import hypothesis_not_installed_here

                def test_property():
                    assert hypothesis_not_installed_here
            """,
        },
    )
    report = analyse_tests(root, settings=FAST)
    assert report.signals["tests_run"] is True
    assert report.signals["tests_run_ok"] is True
    assert (report.signals["tests_passed"], report.signals["tests_errors"]) == (2, 0)
    assert report.signals["tests_missing_dependencies"] == "hypothesis_not_installed_here"
    assert [f.code for f in report.risk_flags] == []


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


def test_a_project_that_reads_its_own_version_runs_as_if_installed(tmp_path: Path) -> None:
    # isodate and toolz: the version comes from git tags, written to a file by the build tool or
    # read from the installed metadata; a zip has neither, so every import failed.
    root = write(
        tmp_path / "sub",
        {
            "pyproject.toml": """
                [project]
                name = "shop"
                dynamic = ["version"]

                [tool.setuptools_scm]
                version_file = "src/shop/_version.py"
            """,
            "src/shop/__init__.py": """
                from importlib.metadata import version

                from shop._version import __version__

                INSTALLED = version("shop")
            """,
            "src/shop/pricing.py": PRICING,
            "tests/test_pricing.py": """
                import shop
                from shop.pricing import total

                def test_total():
                    assert total([100, 50]) == 150

                def test_versions():
                    assert shop.__version__ == shop.INSTALLED == "0.0.0"
            """,
        },
    )
    (run,) = run_tests(root, settings=FAST)
    assert (run.passed, run.failed, run.errors) == (2, 0, 0), run.output_tail
    assert not (root / "src" / "shop" / "_version.py").exists()  # written in the run's copy only


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


# --- declared dependencies, fetched from PyPI and installed for the run ----------------------

ATTRS_PROJECT = {
    "pyproject.toml": """
        [project]
        name = "shop"
        version = "1.0"
        dependencies = ["attrs==23.2.0"]

        [project.optional-dependencies]
        test = ["pytest>=8", "coverage[toml]"]  # both provided by the test tools
    """,
    "src/shop/__init__.py": "",
    "src/shop/cart.py": """
        import attrs

        @attrs.define
        class Line:
            price: int
            quantity: int = 1

        def total(lines):
            return sum(line.price * line.quantity for line in lines)
    """,
    "tests/test_cart.py": """
        import attrs
        from shop.cart import Line, total

        def test_total():
            assert total([Line(100, 2), Line(50)]) == 250

        def test_lines_are_attrs_classes():
            assert attrs.has(Line)
            # The copy installed for this project, not one of the worker's.
            assert "/python-dependencies/" in attrs.__file__
    """,
}


def with_data(tmp_path: Path) -> Settings:
    return Settings(sandbox_timeout_s=30, data_dir=tmp_path / "data")


def cached_sets(settings: Settings) -> list[Path]:
    return sorted((settings.data_dir / "cache" / "python-dependencies").glob("[!.]*"))


def test_a_src_layout_project_s_declared_dependencies_are_installed_and_its_tests_run(
    tmp_path: Path,
) -> None:
    settings = with_data(tmp_path)
    root = write(tmp_path / "sub", ATTRS_PROJECT)
    report = analyse_tests(root, settings=settings)
    assert report.signals["tests_run_ok"] is True, report.observations
    assert (report.signals["tests_passed"], report.signals["tests_failed"]) == (2, 0)
    assert report.signals["tests_dependencies_installed"] == 1
    assert report.risk_flags == []
    ran, installed = [o for o in report.observations if o.category == "Testing"]
    assert "2 passed, 0 failed" in ran.text
    assert installed.text == (
        "Installed 1 package for the test run, resolved from the 1 requirement the project "
        "declares in pyproject.toml: attrs 23.2.0."
    )
    # The same submission evaluated again (from the cache now) reads the same.
    again = analyse_tests(root, settings=settings)
    assert again.signals == report.signals
    assert [o.to_dict() for o in again.observations] == [o.to_dict() for o in report.observations]


def test_the_same_requirements_are_downloaded_once(tmp_path: Path) -> None:
    settings = with_data(tmp_path)
    first = dependencies.prepare_python(write(tmp_path / "a", ATTRS_PROJECT), settings)
    (cached,) = cached_sets(settings)
    wheel = next((cached / "wheels").iterdir())
    before = (cached.stat().st_mtime_ns, wheel.stat().st_mtime_ns)
    # Another candidate's project declaring the same requirement, written differently.
    other = write(tmp_path / "b", {"requirements.txt": "Attrs == 23.2.0  # pinned\n"})
    second = dependencies.prepare_python(other, settings)
    assert (first.from_cache, second.from_cache) == (False, True)
    assert second.site == first.site and second.installed == ("attrs 23.2.0",)
    assert cached_sets(settings) == [cached]
    assert (cached.stat().st_mtime_ns, wheel.stat().st_mtime_ns) == before


def test_a_dependency_set_in_use_is_never_evicted_and_an_evicted_one_is_rebuilt(
    tmp_path: Path,
) -> None:
    settings = with_data(tmp_path)
    cache = settings.data_dir / "cache"
    root = write(tmp_path / "sub", ATTRS_PROJECT)
    with builds_in_use():  # as during a test run
        first = dependencies.prepare_python(root, settings)
        assert evict(cache, 0) == []
        assert (first.site / "attrs" / "__init__.py").is_file()
    (cached,) = cached_sets(settings)
    assert evict(cache, 0) == [cached]
    assert cached_sets(settings) == []
    with builds_in_use():
        again = dependencies.prepare_python(root, settings)
    assert (again.from_cache, again.installed) == (False, ("attrs 23.2.0",))
    assert (again.site / "attrs" / "__init__.py").is_file()


def test_a_dependency_that_cannot_be_installed_is_said_and_not_scored_as_failing(
    tmp_path: Path,
) -> None:
    settings = with_data(tmp_path)
    root = write(
        tmp_path / "sub",
        {
            "requirements.txt": "truelevel-no-such-package-zz==1.0\n",
            "pricing.py": PRICING,
            "tests/test_pricing.py": "import truelevel_no_such_package_zz\n"
            "from pricing import total\n\n"
            "def test_total():\n    assert total([1]) == 1\n",
        },
    )
    report = analyse_tests(root, settings=settings)
    assert report.signals["tests_run"] is False
    assert report.signals["tests_dependencies_not_installed"] is True
    assert report.risk_flags == []  # never "tests_failing"
    observation = observation_on_testing(report)
    assert "could not install the project's dependencies" in observation.text
    quote, cited = observation.evidence
    assert cited.file == "tests/test_pricing.py"
    assert quote.excerpt.startswith("could not install: ERROR: ")
    assert "truelevel-no-such-package-zz==1.0" in quote.excerpt
    assert cached_sets(settings) == []  # a failure is not cached

    rubric = default_rubric_categories()
    result = score(
        {"tests": report}, rubric_categories=rubric, target_level="mid", calibration=default_model()
    )
    (testing,) = [c for c in result["rubric_scores"] if c["signal_family"] == "testing"]
    texts = [o["text"] for o in testing["observations"]]
    assert any("could not be run here" in t for t in texts)  # not measured, not failing
    assert not any(t.endswith("tests fail.") or "error out" in t for t in texts)


def test_trivial_tests_beside_an_uninstallable_requirement_still_earn_nothing(
    tmp_path: Path,
) -> None:
    # A failed install used to skip the run, so the suite was "found but not run" and kept
    # Testing at 3: adding one bad requirement hid tests that assert nothing.
    trivial = "\n".join(f"def test_{i}():\n    assert 1 + 1 == 2\n" for i in range(12))
    root = write(
        tmp_path / "sub",
        {
            "requirements.txt": "truelevel-no-such-package-zz==1.0\n",
            "pricing.py": PRICING,
            "tests/test_app.py": trivial,
        },
    )
    report = analyse_tests(root, settings=with_data(tmp_path))
    assert report.signals["tests_run"] is True
    assert report.signals["tests_trivial"] is True
    result = score(
        {"tests": report},
        rubric_categories=default_rubric_categories(),
        target_level="mid",
        calibration=default_model(),
    )
    (testing,) = [c for c in result["rubric_scores"] if c["signal_family"] == "testing"]
    assert testing["score"] == 1


def test_a_source_only_requirement_is_refused_not_built(tmp_path: Path) -> None:
    # docopt 0.6.2 exists on PyPI only as a source distribution: building it runs its setup.py.
    settings = with_data(tmp_path)
    root = write(
        tmp_path / "sub",
        {
            "setup.cfg": "[metadata]\nname = cli\n\n[options]\ninstall_requires =\n"
            "    docopt==0.6.2\n",
            "cli.py": "import docopt\n\n\ndef main():\n    return 0\n",
            "test_cli.py": "from cli import main\n\ndef test_main():\n    assert main() == 0\n",
        },
    )
    prepared = dependencies.prepare_python(root, settings)
    assert prepared.status == "failed"
    assert "No matching distribution found for docopt==0.6.2" in prepared.excerpt
    (run,) = run_tests(root, settings=settings)
    assert run.status == "dependencies_not_installed"
    assert (
        "a source distribution is never built"
        in observation_on_testing(analyse_tests(root, settings=settings)).text
    )


def test_a_pytest_plugin_the_project_declares_is_loaded(tmp_path: Path) -> None:
    root = write(
        tmp_path / "sub",
        {
            "requirements-dev.txt": "pytest==8.3.3\npytest-mock==3.14.0\n",
            "app.py": "import os\n\n\ndef home():\n    return os.getcwd()\n",
            "tests/test_app.py": """
                import app

                def test_home(mocker):  # the fixture pytest-mock provides
                    mocker.patch("os.getcwd", return_value="/x")
                    assert app.home() == "/x"
            """,
        },
    )
    (run,) = run_tests(root, settings=with_data(tmp_path))
    assert (run.status, run.passed, run.failed, run.errors) == ("ran", 1, 0, 0), run.output_tail
    assert "-p pytest_mock" in run.command


def test_a_project_whose_pytest_configuration_asks_for_pytest_cov_runs(tmp_path: Path) -> None:
    # A common configuration: pytest-cov declared for the tests and its options in addopts.
    files = {
        **ATTRS_PROJECT,
        "pyproject.toml": ATTRS_PROJECT["pyproject.toml"]
        + """
        [tool.pytest.ini_options]
        addopts = "--cov=shop --cov-report=term-missing --cov-fail-under=100"
    """,
    }
    files["pyproject.toml"] = files["pyproject.toml"].replace(
        '"pytest>=8"', '"pytest>=8", "pytest-cov==5.0.0"'
    )
    report = analyse_tests(write(tmp_path / "sub", files), settings=with_data(tmp_path))
    assert report.signals["tests_run_ok"] is True, report.observations
    assert report.signals["tests_passed"] == 2
    # Our coverage.py measured it, pytest-cov did not get in the way.
    assert report.signals["tests_line_coverage"] == 1.0


def test_cov_options_run_without_pytest_cov_declared(tmp_path: Path) -> None:
    # parse's .pytest.ini passes --cov options while pytest-cov is only in its CI: pytest must
    # not stop at "unrecognized arguments" before the first test.
    root = write(
        tmp_path / "sub",
        {
            "pricing.py": PRICING,
            ".pytest.ini": "[pytest]\naddopts = --cov=pricing --cov-report=term-missing\n",
            "tests/test_pricing.py": """
                from pricing import total

                def test_total():
                    assert total([100, 50]) == 150
            """,
        },
    )
    report = analyse_tests(root, settings=FAST)
    assert report.signals["tests_run_ok"] is True, report.observations
    assert report.signals["tests_passed"] == 1
    assert report.signals["tests_line_coverage"] is not None
