"""Winnowing fingerprints of real submission folders and the "similarity" report: copies are
flagged even when reformatted and renamed, independent solutions of the same task are not, and the
starter code every candidate received never counts as copying."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

from workers.evaluation.code.similarity import compare, fingerprints, normalise

# The assessment's starter repository: every candidate gets this file and a stub to fill in.
STARTER = {
    "orders/loading.py": '''
        """Provided by the assessment: reads the orders export."""
        import csv
        from dataclasses import dataclass
        from decimal import Decimal
        from pathlib import Path


        @dataclass(frozen=True)
        class Order:
            order_id: str
            customer: str
            amount: Decimal
            currency: str


        def load_orders(path: Path) -> list[Order]:
            """Every row of the CSV export as an Order; the header row names the columns."""
            with path.open(newline="", encoding="utf-8") as handle:
                reader = csv.DictReader(handle)
                return [
                    Order(
                        order_id=row["order_id"],
                        customer=row["customer"].strip(),
                        amount=Decimal(row["amount"]),
                        currency=row["currency"].upper(),
                    )
                    for row in reader
                ]
    ''',
    "README.md": "# Orders take-home\n\nImplement `totals_by_customer` in orders/report.py.\n",
}

# Candidate A's own solution of the task.
SOLUTION_A = {
    "orders/report.py": '''
        """Totals per customer, converted to one currency."""
        from collections import defaultdict
        from decimal import ROUND_HALF_UP, Decimal

        from orders.loading import Order

        RATES = {"EUR": Decimal("1.00"), "USD": Decimal("0.92"), "GBP": Decimal("1.17")}


        class UnknownCurrency(ValueError):
            """An order is in a currency we hold no rate for."""


        def to_euros(order: Order) -> Decimal:
            try:
                rate = RATES[order.currency]
            except KeyError:
                raise UnknownCurrency(f"no rate for {order.currency} in {order.order_id}")
            return (order.amount * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


        def totals_by_customer(orders: list[Order]) -> dict[str, Decimal]:
            """The sum of each customer's orders in euros, customers in alphabetical order."""
            totals: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
            for order in orders:
                totals[order.customer] += to_euros(order)
            return dict(sorted(totals.items()))


        def top_customers(orders: list[Order], count: int = 3) -> list[tuple[str, Decimal]]:
            """The customers who spent most, largest first, ties broken by name."""
            ranked = sorted(totals_by_customer(orders).items(), key=lambda kv: (-kv[1], kv[0]))
            return ranked[:count]
    ''',
    "tests/test_report.py": """
        from decimal import Decimal

        import pytest

        from orders.loading import Order
        from orders.report import UnknownCurrency, top_customers, totals_by_customer


        def order(customer, amount, currency="EUR", order_id="o1"):
            return Order(order_id, customer, Decimal(amount), currency)


        def test_sums_each_customer_in_euros():
            orders = [order("ann", "10.00"), order("bob", "5.00", "USD"), order("ann", "2.50")]
            assert totals_by_customer(orders) == {"ann": Decimal("12.50"), "bob": Decimal("4.60")}


        def test_unknown_currency_names_the_order():
            with pytest.raises(UnknownCurrency, match="o9"):
                totals_by_customer([order("ann", "1", "JPY", "o9")])


        def test_top_customers_breaks_ties_by_name():
            orders = [order("cat", "3"), order("ann", "3"), order("bob", "1")]
            assert [name for name, _ in top_customers(orders, 2)] == ["ann", "cat"]
    """,
}

# Candidate B solved the same task independently, in their own way.
SOLUTION_B = {
    "orders/report.py": """
        import itertools
        import operator

        EXCHANGE = {"EUR": 1.0, "USD": 0.92, "GBP": 1.17}


        def convert(amount, currency):
            if currency not in EXCHANGE:
                return None
            return round(float(amount) * EXCHANGE[currency], 2)


        def totals_by_customer(orders):
            keyfunc = operator.attrgetter("customer")
            result = {}
            for customer, group in itertools.groupby(sorted(orders, key=keyfunc), key=keyfunc):
                values = [convert(o.amount, o.currency) for o in group]
                if any(v is None for v in values):
                    raise ValueError("cannot convert an order of " + customer)
                result[customer] = round(sum(values), 2)
            return result


        def biggest_spenders(orders, n=3):
            pairs = list(totals_by_customer(orders).items())
            pairs.sort(key=operator.itemgetter(1), reverse=True)
            return pairs[0:n]
    """,
    "tests/test_report.py": """
        import unittest
        from decimal import Decimal

        from orders.loading import Order
        from orders.report import biggest_spenders, totals_by_customer


        class ReportTest(unittest.TestCase):
            def setUp(self):
                self.orders = [
                    Order("1", "zoe", Decimal("20"), "GBP"),
                    Order("2", "max", Decimal("7"), "EUR"),
                ]

            def test_totals(self):
                self.assertEqual(totals_by_customer(self.orders), {"max": 7.0, "zoe": 23.4})

            def test_spenders(self):
                self.assertEqual(biggest_spenders(self.orders, 1)[0][0], "zoe")
    """,
}


def write(root: Path, files: dict[str, str]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content).lstrip("\n"))
    return root


def submission(tmp_path: Path, name: str, files: dict[str, str]) -> Path:
    """A candidate's folder: the starter code plus their own files."""
    return write(write(tmp_path / name, STARTER), files)


def disguised_copy(files: dict[str, str]) -> dict[str, str]:
    """What a candidate who copies tends to do: rename a few variables, re-indent with tabs,
    squeeze blank lines, swap the comments and move the code to another file name."""
    renames = {"totals": "sums", "ranked": "ordered", "rate": "factor", "orders": "items"}
    copied: dict[str, str] = {}
    for name, content in files.items():
        text = textwrap.dedent(content)
        for old, new in renames.items():
            text = re.sub(rf"\b{old}\b", new, text)
        text = text.replace("    ", "\t").replace("\n\n\n", "\n")
        text = re.sub(r'"""[^"]*"""', "# my own work", text)
        copied[name.replace("report", "summary")] = text
    return copied


def overlap(a: list[int], b: list[int]) -> float:
    return len(set(a) & set(b)) / len(set(a))


def test_fingerprints_are_sorted_unique_stable_and_fit_a_signed_bigint(tmp_path: Path) -> None:
    root = submission(tmp_path, "a", SOLUTION_A)
    prints = fingerprints(root)

    assert prints == sorted(set(prints))
    assert len(prints) > 20
    assert all(0 <= value < 2**63 for value in prints)
    # Same text elsewhere, same fingerprints: nothing depends on the process or the path.
    assert fingerprints(shutil.copytree(root, tmp_path / "again")) == prints


def test_a_disguised_copy_still_overlaps_more_than_half(tmp_path: Path) -> None:
    starter = write(tmp_path / "starter", STARTER)
    original = fingerprints(submission(tmp_path, "a", SOLUTION_A), starter=starter)
    copy = fingerprints(submission(tmp_path, "copy", disguised_copy(SOLUTION_A)), starter=starter)

    assert overlap(copy, original) > 0.5
    report = compare(copy, {"eval-original": original})
    assert report.signals["similar_submissions"] == 1
    [flag] = report.risk_flags
    assert flag.code == "similar_submission" and flag.severity == "high"
    assert "eval-original" in flag.message
    assert f"{round(overlap(copy, original) * 100)}%" in flag.message
    assert flag.evidence[0].kind == "metric"


def test_independent_solutions_of_the_same_task_overlap_little(tmp_path: Path) -> None:
    starter = write(tmp_path / "starter", STARTER)
    a = fingerprints(submission(tmp_path, "a", SOLUTION_A), starter=starter)
    b = fingerprints(submission(tmp_path, "b", SOLUTION_B), starter=starter)

    assert overlap(a, b) < 0.15 and overlap(b, a) < 0.15
    report = compare(a, {"eval-b": b})
    assert report.signals["similar_submissions"] == 0
    assert report.risk_flags == []


def test_starter_code_shared_by_everyone_is_not_copying(tmp_path: Path) -> None:
    starter = write(tmp_path / "starter", STARTER)
    # Two candidates who each added only a tiny, different stub on top of the starter.
    first = submission(tmp_path, "first", {"orders/report.py": "def totals_by_customer(o):\n"})
    second = submission(tmp_path, "second", {"orders/report.py": "raise NotImplementedError\n"})

    without_starter = compare(
        fingerprints(first, starter=starter), {"eval-second": fingerprints(second, starter=starter)}
    )
    with_starter = compare(fingerprints(first), {"eval-second": fingerprints(second)})

    assert with_starter.signals["similar_submissions"] == 1  # the starter alone looks like a copy
    assert without_starter.signals["similar_submissions"] == 0
    assert without_starter.risk_flags == []
    # Fingerprinting the starter against itself leaves nothing.
    assert fingerprints(starter, starter=starter) == []


def test_vendored_folders_and_non_source_files_are_ignored(tmp_path: Path) -> None:
    root = submission(tmp_path, "a", SOLUTION_A)
    before = fingerprints(root)
    write(root, {"node_modules/lib/index.js": "module.exports = function big() { return 1 }\n"})
    write(root, {"venv/lib/site.py": "import os\nprint(os.environ)\n" * 20})
    write(root, {"notes.txt": "a long design note that is not code " * 30})

    assert fingerprints(root) == before


def test_comments_and_whitespace_do_not_change_the_normalised_text() -> None:
    python = 'x = "# kept"  # dropped\n\n    y = 1\n'
    javascript = 'const url = "http://example.com"; // dropped\n/* block\n */ let Y = 2;'

    assert normalise(python, style="hash") == 'x="#kept"y=1'
    assert normalise(javascript, style="c") == 'consturl="http://example.com";lety=2;'


def test_compare_orders_flags_closest_first_and_ignores_mapping_order() -> None:
    own = list(range(100))
    others = {"eval-b": list(range(40, 140)), "eval-a": list(range(0, 90)), "eval-c": [1, 2]}

    report = compare(own, others)
    reversed_report = compare(own, dict(reversed(others.items())))

    assert report.signals["max_overlap"] == 0.9
    assert report.signals["similar_submissions"] == 2
    assert ["eval-a" in f.message for f in report.risk_flags] == [True, False]
    assert "90%" in report.risk_flags[0].message and "60%" in report.risk_flags[1].message
    assert report == reversed_report


def test_a_submission_without_source_code_is_never_similar() -> None:
    report = compare([], {"eval-a": [1, 2, 3]})

    assert report.signals["max_overlap"] == 0.0
    assert report.signals["similar_submissions"] == 0
    assert report.risk_flags == []
