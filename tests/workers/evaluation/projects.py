"""Take-home submissions built in the test: real git repositories of one task ("an order
pricing service"), solved well, solved badly, copied, and leaking a secret."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from backend.db import session_scope
from backend.models.evaluations import EvaluationCreate
from backend.services.evaluations import submission
from tests.helpers import make_org

GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_AUTHOR_NAME": "Casey Candidate",
    "GIT_AUTHOR_EMAIL": "casey@example.com",
    "GIT_COMMITTER_NAME": "Casey Candidate",
    "GIT_COMMITTER_EMAIL": "casey@example.com",
}


def git(repo: Path, *args: str, when: str = "2026-11-02T10:00:00+00:00") -> None:
    env = {**os.environ, **GIT_ENV, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def submit_repo(url: str, *, org_name: str, candidate_ref: str, target_role: str) -> str:
    """A new organisation's evaluation of the repository at ``url`` (target level mid), queued
    nowhere yet: its id."""
    org = make_org(org_name)
    data = EvaluationCreate.model_validate(
        {
            "candidate_ref": candidate_ref,
            "target_role": target_role,
            "target_level": "mid",
            "artefact": {"type": "github_repo", "url": url},
        }
    )
    with session_scope() as session:
        return submission.submit_evaluation(session, org_id=org.org_id, data=data).id


def make_repo(path: Path, commits: list[tuple[str, dict[str, str], str]]) -> str:
    """A git repository at ``path`` with one commit per (message, files, ISO date); returns its
    ``file://`` URL."""
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    for message, files, when in commits:
        write(path, files)
        git(path, "add", "-A", when=when)
        git(path, "commit", "-q", "-m", message, when=when)
    return path.as_uri()


CLEAN_PRICING = '''"""Order pricing: line totals, percentage discounts and tax, in integer cents."""

from __future__ import annotations

from dataclasses import dataclass


class PricingError(ValueError):
    """An order that cannot be priced (negative quantity, unknown discount)."""


@dataclass(frozen=True)
class Line:
    """One order line: a product price in cents and a quantity."""

    price_cents: int
    quantity: int


def line_total(line: Line) -> int:
    """The line's total in cents."""
    if line.quantity < 0:
        raise PricingError("quantity must not be negative")
    return line.price_cents * line.quantity


def apply_discount(amount_cents: int, percent: int) -> int:
    """The amount after a whole-percent discount, rounded down to the cent."""
    if not 0 <= percent <= 100:
        raise PricingError("discount must be between 0 and 100 percent")
    return amount_cents * (100 - percent) // 100


def order_total(lines: list[Line], *, discount_percent: int = 0, tax_percent: int = 0) -> int:
    """Subtotal of all lines, minus the discount, plus tax on the discounted amount."""
    subtotal = sum(line_total(line) for line in lines)
    discounted = apply_discount(subtotal, discount_percent)
    return discounted + discounted * tax_percent // 100
'''

CLEAN_STORE = '''"""An in-memory order store with idempotent submission."""

from __future__ import annotations

from pricing.core import Line, order_total


class OrderStore:
    """Keeps priced orders by id; submitting the same id twice keeps the first."""

    def __init__(self) -> None:
        self._orders: dict[str, int] = {}

    def submit(self, order_id: str, lines: list[Line], *, discount_percent: int = 0) -> int:
        """Price and keep an order; a repeated id returns the stored total."""
        if order_id in self._orders:
            return self._orders[order_id]
        total = order_total(lines, discount_percent=discount_percent)
        self._orders[order_id] = total
        return total

    def total_of(self, order_id: str) -> int | None:
        """The stored total, or None for an unknown order."""
        return self._orders.get(order_id)
'''

CLEAN_TESTS = """import pytest
from pricing.core import (
    Line,
    PricingError,
    apply_discount,
    line_total,
    order_total,
)
from pricing.store import OrderStore


def test_line_total():
    assert line_total(Line(price_cents=250, quantity=4)) == 1000


def test_negative_quantity_is_refused():
    with pytest.raises(PricingError):
        line_total(Line(price_cents=250, quantity=-1))


def test_discount_rounds_down():
    assert apply_discount(999, 10) == 899


def test_order_total_with_tax():
    lines = [Line(1000, 2), Line(500, 1)]
    assert order_total(lines, discount_percent=10, tax_percent=20) == 2700


def test_store_is_idempotent():
    store = OrderStore()
    assert store.submit("o-1", [Line(100, 1)]) == 100
    assert store.submit("o-1", [Line(900, 9)]) == 100
    assert store.total_of("o-1") == 100
    assert store.total_of("missing") is None
"""

CLEAN_README = """# Order pricing service

Prices orders: line totals, a percentage discount and tax, all in integer cents.

## Setup

```
pip install -e .
pytest
```

## Design decisions and trade-offs

I chose integer cents instead of floats because rounding errors in money are bugs that
customers notice. The store is in memory because the brief asked for no database; a real
service would put it behind PostgreSQL. Submission is idempotent, so a retried request
never charges twice. If I had more time I would add currency support and property-based
tests for the rounding rules.
"""

MESSY_PRICING = """import os, sys, json
from math import *

orders = {}
def calc(l, d, t, id = None, x = None):
    global orders
    if id != None:
        if id in orders.keys():
            return orders[id]
    s = 0
    for i in range(len(l)):
        if l[i][1] < 0:
            if x == 1:
                print("bad")
            else:
                if x == 2:
                    print("very bad")
                else:
                    pass
        else:
            if l[i][1] == 0:
                s = s + 0
            elif l[i][1] == 1:
                s = s + l[i][0]
            elif l[i][1] == 2:
                s = s + l[i][0] + l[i][0]
            else:
                s = s + l[i][0] * l[i][1]
    if d > 0:
        if d > 100:
            d = 100
        s = s - s * d / 100
    if t > 0:
        if t > 50:
            print("tax too high?")
        s = s + s * t / 100
    if id != None:
        orders[id] = s
    return s
"""


def clean_project(path: Path) -> str:
    """A well-structured, typed, tested and documented solution, committed in steps."""
    return make_repo(
        path,
        [
            (
                "Pricing core: line totals and discounts in cents",
                {"pricing/__init__.py": "", "pricing/core.py": CLEAN_PRICING},
                "2026-11-02T10:05:00+00:00",
            ),
            (
                "Tests for pricing rules",
                {"tests/test_pricing.py": CLEAN_TESTS, "pyproject.toml": PYPROJECT},
                "2026-11-02T10:40:00+00:00",
            ),
            (
                "Idempotent order store",
                {"pricing/store.py": CLEAN_STORE},
                "2026-11-02T11:10:00+00:00",
            ),
            (
                "README: setup and trade-offs",
                {"README.md": CLEAN_README},
                "2026-11-02T11:30:00+00:00",
            ),
        ],
    )


PYPROJECT = """[project]
name = "pricing"
version = "0.1.0"

[tool.pytest.ini_options]
pythonpath = ["."]
"""


def messy_project(path: Path) -> str:
    """The same task solved in one untested, undocumented, complex file, in one commit."""
    return make_repo(path, [("done", {"main.py": MESSY_PRICING}, "2026-11-02T13:55:00+00:00")])


def copied_project(path: Path) -> str:
    """The clean solution with renamed identifiers and reflowed comments: a copy."""
    renamed = {
        "pricing/__init__.py": "",
        "pricing/core.py": CLEAN_PRICING.replace("line_total", "total_for_line").replace(
            "PricingError", "PriceError"
        ),
        "pricing/store.py": CLEAN_STORE.replace("_orders", "_saved"),
        "tests/test_pricing.py": CLEAN_TESTS.replace("line_total", "total_for_line").replace(
            "PricingError", "PriceError"
        ),
        "pyproject.toml": PYPROJECT,
        "README.md": "# Pricing\n\nMy solution.\n",
    }
    return make_repo(path, [("My solution", renamed, "2026-11-03T09:00:00+00:00")])


# An AWS example-format access key: what detect-secrets and the regex pass look for.
# Real-looking, not AWS's documentation example (AKIA...EXAMPLE), which is a placeholder.
LEAKED_KEY = "AKIA2E0A8F3B" + "244C9986"
LEAKED_SECRET = "q8s9Vf2Lk3Jd7Hw1Zp4Rt6Y" + "x0Bn5Mc8Qa2Ws3Ed4"


def leaky_project(path: Path) -> str:
    """A reasonable solution that committed cloud credentials, then deleted them."""
    config = f'AWS_ACCESS_KEY_ID = "{LEAKED_KEY}"\nAWS_SECRET_ACCESS_KEY = "{LEAKED_SECRET}"\n'
    return make_repo(
        path,
        [
            (
                "Pricing with S3 upload",
                {
                    "pricing/__init__.py": "",
                    "pricing/core.py": CLEAN_PRICING,
                    "settings.py": config,
                },
                "2026-11-02T10:05:00+00:00",
            ),
            (
                "Read credentials from the environment",
                {"settings.py": "import os\n\nAWS_ACCESS_KEY_ID = os.environ.get('AWS_KEY')\n"},
                "2026-11-02T10:30:00+00:00",
            ),
        ],
    )
