"""The report's code viewer in the browser: a file chip opens the candidate's file with the cited
lines highlighted and scrolled to, a few lines around them, the whole file on request, and says
why when a cited file was not kept.

The evaluation is scored through the engine's lifecycle (``test_evaluations.seed_evaluations``)
and its cited files are kept by the worker's own code (``cited_snapshot.keep_cited_files``) from a
real submission folder, in the app's environment, so the viewer reads them from the app's store.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.flows import sign_up
from tests.e2e.server import RunningApp
from tests.e2e.test_evaluations import SCREENSHOTS, _result, _scores

HANDLERS = (
    [f"# line {n}" for n in range(1, 12)]
    + [
        "def create_order(request):",
        "    order = OrderIn.model_validate(request.json)",
        "    saved = repository.save(order)",
        "    return saved.id",
    ]
    + [f"# line {n}" for n in range(16, 81)]
)


# -- run inside the app's environment ------------------------------------------------------------


def seed_with_kept_files(*, member_email: str) -> str:
    """A scored evaluation whose worker kept the cited files of its submission (which has no
    config/settings.py, the file its risk flag cites)."""
    import tempfile
    from pathlib import Path

    from tests.e2e.test_evaluations import seed_evaluations
    from workers.evaluation.cited_snapshot import keep_cited_files

    result = _result(_scores(3, 2, 3, 2, 1), recommendation="reject", detailed=True)
    (evaluation_id,) = seed_evaluations(
        member_email=member_email, evaluations=[{"candidate_ref": "CAND-0912", "result": result}]
    )
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        (root / "app").mkdir()
        (root / "app" / "handlers.py").write_text("\n".join(HANDLERS) + "\n")
        assert keep_cited_files(evaluation_id, root, result)
    return evaluation_id


# -- tests ---------------------------------------------------------------------------------------


def test_a_file_chip_opens_the_file_at_the_cited_lines(page: Page, app: RunningApp):
    account = sign_up(page)
    evaluation_id = app.call(
        "tests.e2e.test_code_viewer:seed_with_kept_files", member_email=account.email
    )
    page.goto(f"/evaluations/{evaluation_id}")
    quality = page.locator(".observation-category", has_text="Code Quality")
    quality.get_by_role("button", name=re.compile("Code Quality")).click()

    # The keyboard opens the chip as well as the mouse.
    chip = quality.locator(".evidence", has_text="app/handlers.py:12–15")
    chip.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("#evidence-dialog")
    expect(dialog.locator("#evidence-title")).to_have_text("app/handlers.py, lines 12–15")
    cited = dialog.locator(".cited-line")
    expect(cited.locator(".line-number")).to_have_text(["12", "13", "14", "15"])
    expect(cited.first.locator(".line-text")).to_have_text("def create_order(request):")
    expect(cited.first).to_be_in_viewport()
    # A few lines around them, not highlighted.
    lines = dialog.locator(".excerpt-line .line-number")
    expect(lines.first).to_have_text("6")
    expect(lines.last).to_have_text("21")
    expect(dialog.locator(".excerpt-line[data-cited=false]")).to_have_count(12)
    expect(dialog.locator("#file-notice")).to_have_count(0)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "evaluation-code-viewer.png"))

    # The whole file on request, the cited lines still marked.
    dialog.locator("#show-whole-file").click()
    expect(lines).to_have_count(80)
    expect(lines.first).to_have_text("1")
    expect(cited).to_have_count(4)
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)

    # The risk flag cites a file the submission does not hold: it says so, with the excerpt.
    page.locator(".risk-flag .evidence").click()
    expect(dialog.locator("#file-notice")).to_contain_text(
        "config/settings.py is not a regular file of the submission"
    )
    expect(dialog.locator(".line-number")).to_have_text(["3"])
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_have_count(0)
