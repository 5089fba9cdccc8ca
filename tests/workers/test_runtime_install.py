"""The product is what ``make run`` installs. A worker whose evaluations needed pytest from the
dev requirements passed every test and failed every real evaluation, so this test builds a
virtual environment holding only the runtime requirements (``requirements.txt`` and what they
require, and ``requirements-nodeps.txt`` without what they require, linked from this
installation's site-packages, without any dev requirement) and runs a
real code evaluation through a Huey consumer started from it: the candidate's tests really run.
"""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from backend.models.evaluations import Evaluation
from tests.workers import consumers
from tests.workers.evaluation import projects
from workers.evaluation.code.toolchain import requirement_closure

ROOT = Path(__file__).resolve().parents[2]
# Installed for the test suite only: none may be importable from the runtime environment.
DEV_ONLY_MODULES = ("playwright", "moto", "schemathesis", "hypothesis", "aiosmtpd", "jiwer")


def runtime_requirements(path: Path) -> list[Requirement]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [Requirement(line) for line in lines if line and not line.startswith("-")]


@pytest.fixture(scope="module")
def runtime_python(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A venv whose site-packages holds exactly the runtime requirements' distributions."""
    venv = tmp_path_factory.mktemp("runtime") / "venv"
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", "--without-pip", str(venv)], check=True)
    version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    site = venv / "lib" / version / "site-packages"
    distributions = requirement_closure(runtime_requirements(ROOT / "requirements.txt"))
    # Installed with --no-deps: the distributions themselves, not what they declare.
    distributions += [
        importlib.metadata.distribution(requirement.name)
        for requirement in runtime_requirements(ROOT / "requirements-nodeps.txt")
    ]
    for distribution in distributions:
        installed = Path(str(distribution.locate_file("")))
        for file in distribution.files or ():
            relative = Path(str(file))
            if relative.is_absolute() or ".." in relative.parts:
                continue  # scripts in bin/ and the like
            top = relative.parts[0]
            if not (site / top).exists() and (installed / top).exists():
                (site / top).symlink_to(installed / top)
    return str(venv / "bin" / "python")


def test_the_runtime_environment_holds_no_dev_requirement(runtime_python: str) -> None:
    probe = (
        "import importlib.util, sys; "
        f"print([m for m in {DEV_ONLY_MODULES!r} if importlib.util.find_spec(m)]); "
        "import workers.tasks, backend.cli, reflex; "
        "from workers.speech.speaker_embeddings import load_speaker_encoder; "
        "load_speaker_encoder('cpu'); "
        "from backend.api import create_api; create_api()"
    )
    found = subprocess.run(
        [runtime_python, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert found.stdout.strip() == "[]"


def test_a_code_evaluation_runs_the_candidates_tests_from_the_runtime_install(
    tmp_path: Path, runtime_python: str
) -> None:
    url = projects.make_repo(
        tmp_path / "shop",
        [
            (
                "Pricing with tests",
                {
                    "pyproject.toml": '[project]\nname = "shop"\nversion = "1.0"\n',
                    "src/shop/__init__.py": "",
                    "src/shop/pricing.py": (
                        "def total(prices, discount=0):\n"
                        "    subtotal = sum(prices)\n"
                        "    return subtotal - subtotal * discount // 100\n"
                    ),
                    "tests/test_pricing.py": (
                        "from shop.pricing import total\n\n\n"
                        "def test_total():\n    assert total([100, 50]) == 150\n\n\n"
                        "def test_discount():\n    assert total([100], discount=10) == 90\n"
                    ),
                    "README.md": "# Shop\n",
                },
                "2026-11-02T10:00:00+00:00",
            )
        ],
    )
    evaluation_id = projects.submit_repo(
        url,
        org_name="Runtime install",
        candidate_ref="CAND-RUNTIME",
        target_role="Backend engineer",
    )
    env = consumers.consumer_env(
        tmp_path / "queue.db", evaluation_allow_local_urls="1", preload_models="0"
    )
    log = tmp_path / "workers.log"
    worker = consumers.start_consumer(env, log, "--no-periodic", python=runtime_python)
    try:
        consumers.enqueue("evaluate_code", evaluation_id, env, python=runtime_python)
        done = consumers.wait_for(
            Evaluation,
            evaluation_id,
            lambda e: e.stage == "awaiting_review",
            150,
            f"the runtime-only worker to finish (log: {log.read_text()[-2000:]})",
        )
    finally:
        consumers.stop(worker)
    tests = done.automated_result["signals"]["tests"]
    assert (tests["tests_run_ok"], tests["tests_passed"], tests["tests_failed"]) == (True, 2, 0)
    assert not [f for f in done.automated_result["risk_flags"] if f["code"] == "tests_failing"]
