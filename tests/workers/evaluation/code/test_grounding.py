"""Prose counts as reasoning only when it names something of the submission."""

from __future__ import annotations

from pathlib import Path

from workers.evaluation.code import documentation

CODE = {
    "ledger/store.py": "import sqlite3\n\n\nclass LedgerStore:\n    pass\n",
    "ledger/rates.py": "def convert_currency(amount):\n    return amount\n",
}
STOCK = (
    "# App\n\n## Design decisions and trade-offs\n\nWe chose a modular architecture because it "
    "improves maintainability. We decided against alternatives due to performance concerns. "
    "In the future we would add caching.\n"
)
SPECIFIC = (
    "# App\n\n## Trade-offs\n\nI chose SQLite because one process writes. `LedgerStore` keeps "
    "rows append-only instead of updating them. The convert_currency function rounds once, "
    "because rounding twice drifts.\n"
)


def write(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_stock_trade_off_prose_earns_nothing(tmp_path: Path) -> None:
    signals = documentation.analyse(write(tmp_path, {**CODE, "README.md": STOCK})).signals

    assert signals["tradeoff_statements"] == 0
    assert signals["has_tradeoffs_section"] is False


def test_reasons_that_name_the_code_count(tmp_path: Path) -> None:
    signals = documentation.analyse(write(tmp_path, {**CODE, "README.md": SPECIFIC})).signals

    assert signals["tradeoff_statements"] == 3
    assert signals["has_tradeoffs_section"] is True


def test_a_readme_of_stock_text_is_no_readme(tmp_path: Path) -> None:
    # Pasting prose into a missing or empty README used to lift Reasoning by 1.5 points.
    stock = documentation.analyse(write(tmp_path / "stock", {**CODE, "README.md": STOCK * 4}))
    about = documentation.analyse(write(tmp_path / "about", {**CODE, "README.md": SPECIFIC}))
    run_only = documentation.analyse(
        write(tmp_path / "run", {**CODE, "README.md": "# App\n\n    pip install -e .\n"})
    )

    assert (stock.signals["has_readme"], stock.signals["readme_words"]) == (False, 0)
    assert any("names nothing in the code" in o.text for o in stock.observations)
    assert about.signals["has_readme"] is True and about.signals["readme_words"] > 0
    assert run_only.signals["has_readme"] is True
