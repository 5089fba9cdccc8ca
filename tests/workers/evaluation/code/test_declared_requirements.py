"""What a candidate's Python project declares it needs, read from its manifests as they are
written in real projects (pyproject, Poetry, requirements files, setup.cfg), without running
any of its code."""

from __future__ import annotations

import textwrap
from pathlib import Path

from workers.evaluation.code.declared_requirements import declared_requirements


def write(root: Path, files: dict[str, str]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content))
    return root


def test_pyproject_dependencies_test_extras_and_groups(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "pyproject.toml": """
                [project]
                name = "Shop_Core"
                dependencies = [
                    "Attrs>=23,<24",
                    "httpx[http2]==0.28.1",
                    "tomli>=2; python_version < '3.11'",
                    "shop-core",
                ]

                [project.optional-dependencies]
                test = ["pytest>=8", "pytest-cov", "hypothesis==6.100.0"]
                docs = ["sphinx"]

                [dependency-groups]
                lint = ["ruff"]
                dev = [{include-group = "lint"}, "freezegun==1.5.1"]
            """,
        },
    )
    declared = declared_requirements(root)
    # The test tools we provide (pytest, coverage), the project itself, other extras and
    # markers that exclude this interpreter are left out; names are normalised.
    assert declared.requirements == (
        "attrs<24,>=23",
        "freezegun==1.5.1",
        "httpx[http2]==0.28.1",
        "hypothesis==6.100.0",
        "pytest-cov",  # installed: its options may be in the project's pytest configuration
        "ruff",
    )
    assert declared.sources == ("pyproject.toml",)
    assert declared.refused == ()


def test_poetry_constraints_become_ranges(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "pyproject.toml": """
                [tool.poetry]
                name = "cli"

                [tool.poetry.dependencies]
                python = "^3.10"
                requests = "^2.31"
                pendulum = "~3.0.0"
                rich = {version = "^0.13", extras = ["jupyter"]}
                click = "8.1.7"
                anything = "*"
                mine = {path = "../mine"}
                later = {version = "^1", optional = true}

                [tool.poetry.group.test.dependencies]
                pytest = "^8"
                respx = ">=0.20"
            """,
        },
    )
    declared = declared_requirements(root)
    assert declared.requirements == (
        "anything",
        "click==8.1.7",
        "pendulum<3.1,>=3.0.0",
        "requests<3,>=2.31",
        "respx>=0.20",
        "rich[jupyter]<0.14,>=0.13",
    )
    assert declared.refused == (
        "pyproject.toml: mine = {'path': '../mine'} (git, path and URL dependencies are not "
        "followed)",
    )


def test_requirements_files_options_links_and_includes(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "requirements.txt": """
                # runtime
                flask==3.0.3  # web
                --index-url https://mirror.example/simple
                -e .
                -e git+https://github.com/acme/tool.git#egg=tool
                https://example.com/pkg-1.0.tar.gz
                numpy==2.0.0 \\
                    --hash=sha256:0000
                -r requirements/base.txt
                -r ../outside.txt
            """,
            "requirements/base.txt": "six==1.16.0\n",
            "requirements-dev.txt": "pytest==8.2.0\ncoverage[toml]\nfactory-boy==3.3.0\n",
        },
    )
    declared = declared_requirements(root)
    assert declared.requirements == (
        "factory-boy==3.3.0",
        "flask==3.0.3",
        "numpy==2.0.0",
        "six==1.16.0",
    )
    assert declared.sources == (
        "requirements-dev.txt",
        "requirements.txt",
        "requirements/base.txt",
    )
    assert declared.refused == (
        "requirements.txt: --index-url https://mirror.example/simple (pip options are not "
        "followed)",
        "requirements.txt: -e git+https://github.com/acme/tool.git#egg=tool (editable installs "
        "are not followed)",
        "requirements.txt: https://example.com/pkg-1.0.tar.gz (URLs, VCS links and local paths "
        "are not followed)",
        "requirements.txt: -r ../outside.txt (includes a file outside the project)",
    )


def test_setup_cfg_install_requires_and_test_extras(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "setup.cfg": """
                [metadata]
                name = weather

                [options]
                install_requires =
                    requests>=2
                    weather

                [options.extras_require]
                test =
                    responses==0.25.0
            """,
            # Never executed: it would run the candidate's code on the worker.
            "setup.py": "raise SystemExit('setup.py was executed')\n",
        },
    )
    declared = declared_requirements(root)
    assert declared.requirements == ("requests>=2", "responses==0.25.0")
    assert declared.sources == ("setup.cfg",)


def test_tox_test_env_deps_and_test_requirements_files(tmp_path: Path) -> None:
    # How w3lib and funcy declare what their suites need.
    root = write(
        tmp_path,
        {
            "tox.ini": """
                [tox]
                envlist = py311, docs

                [testenv]
                deps =
                    hypothesis >= 6.148.0
                    pytest !=3.1.1, !=3.1.2
                    -r{toxinidir}/extra.txt
                    {[base]deps}
                    py311: tomli==2.0.1
                commands = python -m pytest {posargs:tests}

                [testenv:docs]
                deps = sphinx
            """,
            "extra.txt": "responses==0.25.0\n",
            "test_requirements.txt": "whatever==0.7\n",
        },
    )
    declared = declared_requirements(root)
    assert declared.requirements == ("hypothesis>=6.148.0", "responses==0.25.0", "whatever==0.7")
    assert declared.sources == ("extra.txt", "test_requirements.txt", "tox.ini")


def test_a_manifest_that_is_a_link_is_not_read(tmp_path: Path) -> None:
    outside = write(tmp_path / "host", {"secret.txt": "database-password-123\n"})
    root = tmp_path / "sub"
    root.mkdir()
    (root / "requirements.txt").symlink_to(outside / "secret.txt")
    declared = declared_requirements(root)
    assert declared.requirements == () and declared.refused == ()
