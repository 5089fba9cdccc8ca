"""A project whose tests import a file it links from its documentation (python-semver's
``tests/coerce.py -> ../docs/advanced/coerce.py``) and whose conftest reads a file of that
sibling folder: its suite runs, whether the project comes as a zip or as a repository, and no
link ever reaches the submission's tree."""

from __future__ import annotations

import os
import stat
import textwrap
import zipfile
from pathlib import Path, PurePosixPath

import pytest

from backend.settings import Settings
from tests.workers.evaluation.code.test_intake import LOCAL, _git, entry_with_mode
from workers.evaluation.code.intake import IntakeRefused, fetch_repository, unpack_zip
from workers.evaluation.code.test_runner import run_tests
from workers.evaluation.code.tree_links import LeftOut, TreeLink, replace_links

LINK = ("tests/coerce.py", "../docs/advanced/coerce.py")
PROJECT = {
    "versions.py": """
        def bump(version: str) -> str:
            major, minor, patch = (int(part) for part in version.split("."))
            return f"{major}.{minor}.{patch + 1}"
    """,
    "docs/advanced/coerce.py": """
        def coerce(text: str) -> str:
            parts = text.strip().lstrip("v").split(".")
            return ".".join((parts + ["0", "0"])[:3])
    """,
    "docs/usage/examples.txt": "1.2.3 1.2.4\nv2 2.0.1\n",
    "tests/conftest.py": """
        from pathlib import Path

        import pytest

        from coerce import coerce  # tests/coerce.py, a link into docs/

        DOCS = Path(__file__).resolve().parent.parent / "docs"


        @pytest.fixture
        def examples():
            rows = (DOCS / "usage" / "examples.txt").read_text().splitlines()
            return [(coerce(before), after) for before, after in (r.split() for r in rows)]
    """,
    "tests/test_versions.py": """
        from versions import bump


        def test_documented_examples(examples):
            assert examples and all(bump(before) == after for before, after in examples)


        def test_patch_is_bumped():
            assert bump("0.9.9") == "0.9.10"
    """,
}


def sources() -> dict[str, bytes]:
    return {name: textwrap.dedent(text).lstrip().encode() for name, text in PROJECT.items()}


def assert_suite_runs(root: Path, tmp_path: Path) -> None:
    linked = root / LINK[0]
    assert not linked.is_symlink() and linked.read_bytes() == sources()["docs/advanced/coerce.py"]
    (run,) = run_tests(root, settings=Settings(sandbox_timeout_s=60, data_dir=tmp_path / "data"))
    assert (run.passed, run.failed, run.errors) == (2, 0, 0), run.output_tail


def test_a_zip_with_a_link_into_its_docs_runs_its_suite(tmp_path: Path) -> None:
    archive = tmp_path / "upload.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for name, data in sources().items():
            zipped.writestr(f"semver-main/{name}", data)
        link = entry_with_mode(f"semver-main/{LINK[0]}", stat.S_IFLNK | 0o777)
        zipped.writestr(link, LINK[1])
    root = unpack_zip(archive, tmp_path / "out", settings=LOCAL)
    assert root == tmp_path / "out" / "semver-main"
    assert_suite_runs(root, tmp_path)


def test_a_repository_with_a_link_into_its_docs_runs_its_suite(tmp_path: Path) -> None:
    source = tmp_path / "source"
    for name, data in sources().items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_bytes(data)
    (source / LINK[0]).symlink_to(LINK[1])
    (source / "leak").symlink_to("/etc/passwd")
    _git(source, "init", "-q", "-b", "main")
    _git(source, "add", "-A")
    _git(source, "commit", "-q", "-m", "semver-like")
    root = fetch_repository(f"file://{source}", tmp_path / "clone", settings=LOCAL)
    assert not os.path.lexists(root / "leak")  # outside the repository: left out
    assert_suite_runs(root, tmp_path)


@pytest.mark.parametrize("target", ["/etc/passwd", "../../etc/passwd", "../.."])
def test_a_zip_link_out_of_the_submission_is_refused(tmp_path: Path, target: str) -> None:
    archive = tmp_path / "upload.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("app/main.py", "x = 1\n")
        zipped.writestr(entry_with_mode("app/leak", stat.S_IFLNK | 0o777), target)
    with pytest.raises(IntakeRefused) as refused:
        unpack_zip(archive, tmp_path / "out", settings=LOCAL)
    assert refused.value.code == "zip_link" and "outside the submission" in refused.value.reason
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def link(path: str, target: str) -> TreeLink:
    return TreeLink(PurePosixPath(path), target)


def test_links_to_links_and_folders_are_copied_loops_and_dangling_links_left_out(
    tmp_path: Path,
) -> None:
    root = tmp_path / "tree"
    (root / "docs" / "img").mkdir(parents=True)
    (root / "docs" / "guide.md").write_text("guide\n")
    (root / "docs" / "img" / "logo.svg").write_text("<svg/>\n")
    left_out = replace_links(
        root,
        [
            link("README.md", "docs/guide.md"),
            link("tests/README.md", "../README.md"),  # a link to a link
            link("tests/assets", "../docs/img"),  # a folder
            link("docs/img/again", ".."),  # holds itself
            link("first", "second"),  # a loop
            link("second", "first"),
            link("gone.md", "docs/missing.md"),
            link("zz-big.md", "docs/guide.md"),  # past the size budget
        ],
        max_bytes=len("guide\n") * 2 + len("<svg/>\n"),
    )
    assert (root / "tests" / "README.md").read_text() == "guide\n"
    assert (root / "tests" / "assets" / "logo.svg").read_text() == "<svg/>\n"
    assert not any(path.is_symlink() for path in root.rglob("*"))
    assert left_out == [
        LeftOut(PurePosixPath("docs/img/again"), "names a folder that holds the link itself"),
        LeftOut(PurePosixPath("first"), "names a link that is left out"),
        LeftOut(PurePosixPath("gone.md"), "names nothing in the submission"),
        LeftOut(PurePosixPath("second"), "names a link that is left out"),
        LeftOut(
            PurePosixPath("zz-big.md"), "its target is larger than what is left of the size limit"
        ),
    ]
