"""Report exports a hiring team opens in a spreadsheet."""

from __future__ import annotations

import csv
import io

from backend.services.report_export import evaluation_csv


def test_csv_cells_a_candidate_controls_never_start_a_formula():
    view = {
        "id": "eval-1",
        "candidate_ref": '=HYPERLINK("https://evil.example","x")',
        "target_role": "Backend Engineer",
        "target_level": "mid",
        "result": {
            "rubric_scores": [
                {
                    "category": "Code Quality",
                    "score": 4,
                    "max_score": 5,
                    "observations": [
                        {
                            "text": "+cmd|' /C calc'!A0",
                            "evidence": [{"kind": "file", "file": "@evil.py", "line": 3}],
                        }
                    ],
                }
            ],
            "risk_flags": [],
        },
        "automated_result": {},
    }
    rows = list(csv.reader(io.StringIO(evaluation_csv(view))))
    cells = [cell for row in rows[1:] for cell in row]
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert any(cell.startswith("'=HYPERLINK") for cell in cells)
    assert any("'+cmd" in cell for cell in cells)
