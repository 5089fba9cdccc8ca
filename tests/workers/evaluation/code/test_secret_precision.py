"""Secrets with precision, on real git repositories: what well-kept projects write in their
documentation, example env files, test fixtures and release helpers raises nothing; a real key
in the code or the history always moves Security and raises the flag."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.services.rubrics import default_rubric_categories
from tests.workers.evaluation.projects import make_repo
from workers.evaluation.calibration import default_model
from workers.evaluation.code import security
from workers.evaluation.code.credentials import is_real
from workers.evaluation.scoring import score

WHEN = "2026-11-02T10:00:00+00:00"
LATER = "2026-11-02T12:00:00+00:00"

WELL_KEPT = {
    "README.md": (
        "# Shop\n\nRun it:\n\n"
        "    export SECRET_KEY=your-secret-key-here\n"
        "    export API_KEY=changeme\n"
        "    export DATABASE_URL=postgres://user:pass@localhost/shop\n"
        "    export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n"
    ),
    ".env.example": "SECRET_KEY=changeme\nAPI_KEY=your-api-key-here\nPASSWORD=<password>\n",
    "shop/__init__.py": "",
    "shop/settings.py": (
        "import os\n\n"
        'SECRET_KEY = os.environ.get("SECRET_KEY", "changeme")\n'
        'DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://user:pass@localhost/shop")\n'
    ),
    "tests/conftest.py": 'DSN = "postgresql://postgres:postgres@localhost:5432/test_shop"\n',
    "docker-compose.yml": (
        "services:\n  web:\n    environment:\n"
        "      DATABASE_URL: postgres://shop:shop@db:5432/shop\n"
        "      POSTGRES_PASSWORD: postgres\n"
    ),
    # A URL library's own suite: credentials in URLs are its test data.
    "tests/test_urls.py": (
        "CASES = [\n"
        '    ("ftp://user:Zq81xPw9@files.acme-corp.io:21/file.txt", "files.acme-corp.io"),\n'
        '    ("http://admin:Kd93hLq2@shop.example.com/admin", "shop.example.com"),\n'
        "]\n"
    ),
    # A benchmark builds its own queries to time the parser: no user input reaches them.
    "benchmarks/bench_parse.py": (
        "def wide_select(columns):\n"
        "    return f\"SELECT {', '.join(columns)} FROM t WHERE id = {len(columns)}\"\n"
    ),
    "scripts/release.py": (
        "import os\n\n\ndef release():\n"
        '    os.system("git push --tags")\n    os.system("python -m build")\n'
    ),
}

REAL_KEYS = {
    "shop/aws.py": (
        'AWS_ACCESS_KEY_ID = "AKIA2E0A8F3B244C9986"\n'
        'AWS_SECRET_ACCESS_KEY = "q8s9Vf2Lk3Jd7Hw1Zp4Rt6Yx0Bn5Mc8Qa2Ws3Ed4"\n'
    ),
    "shop/payments.py": 'import stripe\n\nstripe.api_key = "sk_live_51H8kQ2LzT9vX4mN7pR3sW6yB"\n',
}


def security_score(report) -> int:
    result = score(
        {"security": report},
        rubric_categories=default_rubric_categories(),
        target_level="mid",
        calibration=default_model(),
    )
    (entry,) = [c for c in result["rubric_scores"] if c["signal_family"] == "security"]
    return entry["score"]


def high_flags(report) -> list[str]:
    return [flag.code for flag in report.risk_flags if flag.severity == "high"]


def test_placeholders_local_test_databases_and_developer_helpers_raise_nothing_high(
    tmp_path: Path,
) -> None:
    repo = tmp_path / "shop"
    make_repo(repo, [("Shop with docs and fixtures", WELL_KEPT, WHEN)])

    report = security.analyse(repo)

    assert report.signals["committed_secrets"] == 0
    assert report.signals["high_severity_findings"] == 0
    assert high_flags(report) == []
    assert security_score(report) >= 3  # not capped


def test_a_real_key_always_moves_security_and_raises_the_flag(tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    make_repo(clean, [("Shop", WELL_KEPT, WHEN)])
    leaky = tmp_path / "leaky"
    make_repo(leaky, [("Shop", WELL_KEPT, WHEN), ("Payments and storage", REAL_KEYS, LATER)])

    before, after = security.analyse(clean), security.analyse(leaky)

    assert after.signals["committed_secrets"] >= 3
    assert "committed_secret" in high_flags(after)
    assert security_score(after) < security_score(before)
    assert security_score(after) <= 2
    flag = next(f for f in after.risk_flags if f.code == "committed_secret")
    assert "Stripe Access Key in shop/payments.py:3" in flag.message
    assert "q8s9Vf2L" not in flag.message + str([e.excerpt for e in flag.evidence])


def test_a_token_deleted_from_the_code_is_still_found_in_the_history(tmp_path: Path) -> None:
    token = "ghp_R7dK2mQ9xLp4Tz8Wv1Ns6Yb3Hc5Jf0Ga2Ue4"
    repo = tmp_path / "shop"
    make_repo(
        repo,
        [
            ("Shop", {**WELL_KEPT, "shop/github.py": f'TOKEN = "{token}"\n'}, WHEN),
            ("Read the token from the environment", {"shop/github.py": "TOKEN = None\n"}, LATER),
        ],
    )

    report = security.analyse(repo)

    assert report.signals["committed_secrets"] == 1
    assert "committed_secret" in high_flags(report)
    assert "still in the history" in report.risk_flags[0].message


@pytest.mark.parametrize(
    ("relative", "kind", "value", "line", "real"),
    [
        (
            "README.md",
            "Secret Keyword",
            "s3cr3tV4lu3XyZ",
            "export SECRET_KEY=s3cr3tV4lu3XyZ",
            False,
        ),
        ("app/settings.py", "Secret Keyword", "s3cr3tV4lu3XyZ", 'KEY = "s3cr3tV4lu3XyZ"', True),
        ("app/settings.py", "Secret Keyword", "postgres", 'PASSWORD = "postgres"', False),
        ("app/db.py", "Basic Auth Credentials", "pw", "URL = 'mysql://u:pw@localhost/x'", False),
        (
            "app/db.py",
            "Basic Auth Credentials",
            "Zq81xP",
            "URL = 'mysql://u:Zq81xP@db.prod.io/x'",
            True,
        ),
        (
            "app/client.py",
            "Basic Auth Credentials",
            "Zq81xP",
            "URL = 'https://u:Zq81xP@api.example.com/x'",
            False,
        ),
        (
            "app/client.py",
            "Basic Auth Credentials",
            "Zq81xP",
            "u = 'https://u:Zq81xP@ci.test/'",
            False,
        ),
        ("README.md", "AWS Access Key", "AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE", False),
        ("README.md", "AWS Access Key", "AKIA2E0A8F3B244C9986", "AKIA2E0A8F3B244C9986", True),
    ],
)
def test_one_rule_tells_real_credentials_from_placeholders(
    relative: str, kind: str, value: str, line: str, real: bool
) -> None:
    assert is_real(relative, kind, value, line) is real
