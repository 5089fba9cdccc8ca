"""The code viewer behind a file chip: the candidate's file, read through
``cited_files.read_cited_file`` for the signed-in member's organisation, around the cited lines.
When the file cannot be shown (its files are no longer kept, a binary file...) the dialog says
why and shows the excerpt the engine cited instead.

The shared report (``/shared/<token>``) does not offer it: see ``pages.shared_report``.
"""

from __future__ import annotations

from backend.db import session_scope
from backend.models.evaluation_result import ResultEvidence
from backend.services.errors import DomainError
from backend.services.evaluations.cited_files import read_cited_file
from truelevel_app.pages.evaluation_report.evidence import evidence_detail, file_view
from truelevel_app.pages.evaluation_report.views import EvidenceDetail

# Once the dialog has rendered the file, bring the first cited line to the middle of its
# scrolling box (the dialog renders after the state arrives, so it looks for a moment).
SCROLL_TO_CITED = """
(function find(tries) {
  const line = document.querySelector("#evidence-dialog .cited-line");
  if (line) { line.scrollIntoView({block: "center"}); }
  else if (tries > 0) { setTimeout(() => find(tries - 1), 50); }
})(40);
"""


def code_view(
    *, org_id: str, evaluation_id: str, item: ResultEvidence, whole: bool = False
) -> EvidenceDetail:
    """The viewer's content for a piece of file evidence."""
    try:
        with session_scope() as session:
            cited = read_cited_file(
                session, org_id=org_id, evaluation_id=evaluation_id, path=item.file or ""
            )
    except DomainError as refusal:
        detail = evidence_detail(item)
        detail["notice"] = refusal.message
        return detail
    return file_view(item, cited.lines, whole=whole)
