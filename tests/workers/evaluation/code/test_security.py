"""The security analyser with the real detect-secrets, ruff and git on submissions written into
tmp_path (git repositories made with ``git init`` and real commits)."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from workers.evaluation.code import security
from workers.evaluation.code.git_adapter import HistoryLimits

EXPECTED_SIGNALS = {"committed_secrets", "security_findings", "high_severity_findings"}
# Made-up credentials in the providers' formats (none of them was ever issued).
AWS_KEY = "AKIAZ7Q4M2XK9P3LB6WD"
GITHUB_TOKEN = "ghp_" + "Zq3xR8vLm2Np5Kt7Wy1Bc4Df6Gh9Jk0Ls2Qa"
SLACK_TOKEN = "xoxb-" + "2741938475-8172635490-Qw7Er9Ty2Ui4"
KEY_MATERIAL = "MIIEowIBAAKCAQEAvN3q7kX2cQ9mZtL4pR8wY1uH6jS0dF5gA3bE7nC2xV9"
PRIVATE_KEY = f"-----BEGIN RSA PRIVATE KEY-----\n{KEY_MATERIAL}\n-----END RSA PRIVATE KEY-----\n"


def write(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def git(repo: Path, *args: str) -> str:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(repo),
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Ada Candidate",
        "GIT_AUTHOR_EMAIL": "ada@example.com",
        "GIT_COMMITTER_NAME": "Ada Candidate",
        "GIT_COMMITTER_EMAIL": "ada@example.com",
        "GIT_AUTHOR_DATE": "2024-01-15T10:00:00Z",
        "GIT_COMMITTER_DATE": "2024-01-15T10:00:00Z",
    }
    done = subprocess.run(
        ["git", "-C", str(repo), *args], env=env, check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


def commit_all(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def everything_reported(report) -> str:
    """All the text a reviewer could read in the report."""
    return json.dumps(
        {
            "observations": [o.to_dict() for o in report.observations],
            "flags": [f.to_dict() for f in report.risk_flags],
        }
    )


def test_a_committed_aws_key_is_flagged_with_a_masked_excerpt(tmp_path: Path) -> None:
    root = write(tmp_path, {"app/config.py": f'REGION = "eu-west-1"\nAWS_KEY = "{AWS_KEY}"\n'})
    report = security.analyse(root)

    assert set(report.signals) == EXPECTED_SIGNALS
    assert report.signals["committed_secrets"] == 1
    flag = next(f for f in report.risk_flags if f.code == "committed_secret")
    assert flag.severity == "high"
    evidence = flag.evidence[0]
    assert (evidence.kind, evidence.file, evidence.line) == ("file", "app/config.py", 2)
    assert AWS_KEY not in everything_reported(report)
    assert "AKIA" in (evidence.excerpt or "") and "****" in (evidence.excerpt or "")


def test_a_private_key_deleted_in_a_later_commit_is_found_in_the_history(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    write(repo, {"README.md": "# Shop\n", "deploy/id_rsa": PRIVATE_KEY})
    git(repo, "init", "-q", "-b", "main")
    leaked = commit_all(repo, "Add deployment key")
    (repo / "deploy" / "id_rsa").unlink()
    commit_all(repo, "Remove key")

    report = security.analyse(repo)

    assert report.signals["committed_secrets"] == 1
    flag = next(f for f in report.risk_flags if f.code == "committed_secret")
    evidence = flag.evidence[0]
    assert (evidence.kind, evidence.commit, evidence.file) == ("commit", leaked, "deploy/id_rsa")
    assert evidence.line == 1
    assert "still in the history" in flag.message
    assert KEY_MATERIAL not in everything_reported(report)


def test_an_aws_key_is_found_in_the_files_and_in_the_history(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    write(repo, {"settings.py": f'AWS_KEY = "{AWS_KEY}"\n', "main.py": "print('shop')\n"})
    git(repo, "init", "-q", "-b", "main")
    first = commit_all(repo, "Start")
    assert security.analyse(repo).signals["committed_secrets"] == 1  # files and history: one key

    (repo / "settings.py").write_text('import os\n\nAWS_KEY = os.environ["AWS_KEY"]\n')
    commit_all(repo, "Read the key from the environment")
    report = security.analyse(repo)

    assert report.signals["committed_secrets"] == 1
    evidence = report.risk_flags[0].evidence[0]
    assert (evidence.commit, evidence.file, evidence.line) == (first, "settings.py", 1)
    assert AWS_KEY not in everything_reported(report)


def test_the_repositorys_own_git_configuration_runs_nothing(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    write(repo, {".gitattributes": "*.py diff=evil\n", "keys.py": f'AWS_KEY = "{AWS_KEY}"\n'})
    git(repo, "init", "-q", "-b", "main")
    first = commit_all(repo, "Start")
    (repo / "keys.py").write_text("AWS_KEY = None\n")
    commit_all(repo, "Drop the key")
    marker = tmp_path / "ran"
    # A zip upload may carry its own .git/config: text conversion and external diff drivers.
    git(repo, "config", "diff.evil.textconv", f"sh -c 'touch {marker}; cat $0'")
    git(repo, "config", "diff.external", f"sh -c 'touch {marker}'")

    report = security.analyse(repo)

    assert not marker.exists()
    assert report.signals["committed_secrets"] == 1
    assert report.risk_flags[0].evidence[0].commit == first


def test_tokens_are_found_even_where_the_candidate_allowlisted_them(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "src/github.js": f'const token = "{GITHUB_TOKEN}"; // pragma: allowlist secret\n',
            "src/slack.go": f'package slack\n\nconst Token = "{SLACK_TOKEN}"\n',
        },
    )
    report = security.analyse(root)

    assert report.signals["committed_secrets"] == 2
    reported = everything_reported(report)
    assert GITHUB_TOKEN not in reported and SLACK_TOKEN not in reported
    assert {e.file for e in report.risk_flags[0].evidence} == {"src/github.js", "src/slack.go"}


def test_insecure_patterns_are_flagged_per_language(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "web/calc.js": "export function calc(input) {\n  return eval(input);\n}\n",
            "web/fetch.ts": "const agent = new https.Agent({ rejectUnauthorized: false });\n",
            "web/run.js": "exec(`convert ${file} out.png`);\n",
            "svc/client.go": (
                "package svc\n\nvar cfg = &tls.Config{InsecureSkipVerify: true}\n"
                "var q = fmt.Sprintf(\"SELECT * FROM users WHERE name = '%s'\", name)\n"
            ),
            "src/Repo.java": (
                "class Repo {\n  String q(String id) {\n"
                '    return "SELECT * FROM orders WHERE id = " + id;\n  }\n}\n'
            ),
            "api/db.py": (
                "def find(cursor, name):\n"
                "    cursor.execute(f\"SELECT * FROM users WHERE name = '{name}'\")\n"
            ),
        },
    )
    report = security.analyse(root)

    flagged = {(e.file, e.line) for e in report.risk_flags[0].evidence}
    assert report.signals["security_findings"] == 7
    assert report.signals["high_severity_findings"] == 7
    assert ("web/calc.js", 2) in flagged
    assert report.risk_flags[0].code == "security_issue"
    assert report.risk_flags[0].severity == "high"
    observation = next(o for o in report.observations if o.polarity == -1)
    cited = [(e.file, e.line, e.excerpt) for e in observation.evidence]
    assert ("web/calc.js", 2, "return eval(input);") in cited


def test_findings_in_test_code_are_ignored(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "tests/test_login.py": (
                'def test_login(client):\n    password = "hunter2-hunter2"\n'
                "    assert client.login(password)\n"
            ),
            "web/app.test.js": "test('calc', () => { expect(eval('1+1')).toBe(2); });\n",
        },
    )
    report = security.analyse(root)

    assert report.signals == {
        "committed_secrets": 0,
        "security_findings": 0,
        "high_severity_findings": 0,
    }
    assert report.risk_flags == []


def test_a_clean_submission_has_no_findings_and_says_so(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    write(
        repo,
        {
            "shop/service.py": (
                "import os\n\n\ndef api_key() -> str:\n"
                '    """The key from the environment."""\n    return os.environ["SHOP_API_KEY"]\n'
            ),
            "web/app.js": "export const add = (a, b) => a + b;\n",
        },
    )
    git(repo, "init", "-q", "-b", "main")
    commit_all(repo, "Shop service")
    report = security.analyse(repo)

    assert report.signals == {
        "committed_secrets": 0,
        "security_findings": 0,
        "high_severity_findings": 0,
    }
    assert report.risk_flags == []
    assert all(o.polarity == 1 for o in report.observations)
    # Nothing found still cites what was measured.
    secrets_seen, code_seen = (o.evidence[0] for o in report.observations)
    assert secrets_seen.kind == code_seen.kind == "metric"
    assert secrets_seen.excerpt == "scanned 2 files and the lines 1 commit added: 0 secrets"
    assert code_seen.excerpt == (
        "0 insecure patterns in 2 source files outside tests "
        "(ruff S rules on 1 Python file, line rules on the rest)"
    )


def test_without_a_git_history_only_the_files_are_said_to_be_scanned(tmp_path: Path) -> None:
    root = write(tmp_path / "upload", {"main.py": "print('shop')\n"})

    (secrets_seen, _) = security.analyse(root).observations

    assert secrets_seen.text == "No committed secrets were found in the files."
    assert secrets_seen.evidence[0].excerpt == (
        "scanned 1 file (no git history to scan): 0 secrets"
    )


def test_a_long_history_is_scanned_over_its_newest_commits_and_the_cut_is_stated(
    tmp_path: Path,
) -> None:
    repo = write(tmp_path / "repo", {"README.md": "# Shop\n", "shop/old.py": f'K = "{AWS_KEY}"\n'})
    git(repo, "init", "-q", "-b", "main")
    commit_all(repo, "Start with a key")  # beyond the window once four more commits come
    (repo / "shop" / "old.py").write_text("K = None\n")
    commit_all(repo, "Drop the old key")
    for step in range(2):
        write(repo, {f"shop/step_{step}.py": f"STEP = {step}\n"})
        commit_all(repo, f"Step {step}")
    write(repo, {"shop/github.py": f'TOKEN = "{GITHUB_TOKEN}"\n'})
    leaked = commit_all(repo, "Call GitHub")
    write(repo, {"shop/github.py": 'TOKEN = os.environ["TOKEN"]\n'})
    commit_all(repo, "Read the token from the environment")

    report = security.analyse(repo, history_limits=HistoryLimits(max_commits=3))

    # The token of the newest commits is found; the key of the first commit is beyond the cap.
    assert report.signals["committed_secrets"] == 1
    flag = next(f for f in report.risk_flags if f.code == "committed_secret")
    assert (flag.evidence[0].commit, flag.evidence[0].file) == (leaked, "shop/github.py")
    stated = report.observations[0].evidence[-1].excerpt
    assert stated == (
        "scanned 5 files and the lines the newest 3 of 6 commits added (older commits left "
        "unread: the cap on commits read): 1 secret"
    )
    everything = security.analyse(repo, history_limits=HistoryLimits(max_commits=6))
    assert everything.signals["committed_secrets"] == 2
    assert "older commits" not in everything_reported(everything)


def test_a_key_in_a_file_whose_name_has_a_space_is_one_secret(tmp_path: Path) -> None:
    # git ends a diff header with a tab for such names; the history must still match the file.
    repo = write(tmp_path / "repo", {"my settings.py": f'AWS_KEY = "{AWS_KEY}"\n'})
    git(repo, "init", "-q", "-b", "main")
    commit_all(repo, "Start")

    report = security.analyse(repo)

    assert report.signals["committed_secrets"] == 1
    (evidence,) = report.risk_flags[0].evidence
    assert (evidence.kind, evidence.file, evidence.commit) == ("file", "my settings.py", None)


def test_evaluations_in_parallel_threads_find_the_same_secrets(tmp_path: Path) -> None:
    # detect-secrets keeps its settings per process: scans in two threads must not mix them.
    leaky = write(tmp_path / "leaky", {"config.py": f'TOKEN = "{GITHUB_TOKEN}"\n'})
    # A checksum: only the generic entropy detectors (switched off for our scans) report it.
    checksum = "3f8a9c2e7b1d4f6a8c0e2b4d6f8a0c2e4b6d8f0a1c3e5b7d"
    tidy = write(tmp_path / "tidy", {"app.py": f'ARCHIVE_SHA = "{checksum}"\n' * 200})
    alone = {root: everything_reported(security.analyse(root)) for root in (leaky, tidy)}
    start = threading.Barrier(4)

    def evaluate(root: Path) -> str:
        start.wait()
        return everything_reported(security.analyse(root))

    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(evaluate, [leaky, tidy, leaky, tidy]))

    assert together == [alone[leaky], alone[tidy], alone[leaky], alone[tidy]]


def test_two_runs_give_identical_reports(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    write(repo, {"config.py": f'AWS_KEY = "{AWS_KEY}"\n', "web/a.js": "eval(x);\n"})
    git(repo, "init", "-q", "-b", "main")
    commit_all(repo, "Start")
    first, second = security.analyse(repo), security.analyse(repo)

    assert first.signals == second.signals
    assert everything_reported(first) == everything_reported(second)
