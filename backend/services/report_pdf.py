"""What every report PDF is made of (reportlab's platypus): the styles, the title block that names
the candidate, the verdict block (recommendation, confidence, level, who decided), a horizontal
bar chart of scores, headed sections and bullet lists, and the A4 document itself.

The code evaluation's export (``evaluation_pdf``) and the interview's (``interview_pdf``) are both
built from these pieces; each only decides what goes in. A document is byte-identical for the
same input: reportlab's ``invariant`` mode leaves out the creation date and the random document
id, and nothing here reads the clock.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape

from pydantic import BaseModel
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, StyleSheet1, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

MARGIN = 20 * mm
WIDTH = A4[0] - 2 * MARGIN  # the text column
ACCENT = colors.HexColor("#3e63dd")  # the app's indigo
MUTED = colors.HexColor("#60646c")
RULE = colors.HexColor("#d9d9e0")
PANEL = colors.HexColor("#f0f0f3")
EMPTY = "—"


def _styles() -> StyleSheet1:
    sheet = getSampleStyleSheet()
    sheet.add(ParagraphStyle("ReportTitle", parent=sheet["Title"], alignment=0, spaceAfter=2))
    sheet.add(ParagraphStyle("Subtitle", parent=sheet["BodyText"], fontSize=11, leading=14))
    sheet.add(ParagraphStyle("Small", parent=sheet["BodyText"], fontSize=8, textColor=MUTED))
    sheet.add(ParagraphStyle("Cell", parent=sheet["BodyText"], fontSize=9, leading=11))
    sheet.add(ParagraphStyle("CellLabel", parent=sheet["Cell"], textColor=MUTED))
    sheet.add(ParagraphStyle("Figure", parent=sheet["BodyText"], fontSize=20, leading=24))
    sheet.add(ParagraphStyle("Point", parent=sheet["BodyText"], leftIndent=10, bulletIndent=0))
    sheet.add(ParagraphStyle("Citation", parent=sheet["Small"], leftIndent=10))
    return sheet


STYLES = _styles()


def words(value: str | None) -> str:
    """A stored value as a reader says it: ``do_not_proceed`` → ``Do not proceed``."""
    return value.replace("_", " ").capitalize() if value else EMPTY


def number(value: float | None) -> str:
    """4.0 → "4", 3.5 → "3.5"; missing → "—"."""
    if value is None:
        return EMPTY
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def confidence_text(value: float | None) -> str:
    """0.82 → "82 %" (a share), 82 → "82 %"; missing → "—"."""
    if value is None:
        return EMPTY
    return f"{round(100 * value) if value <= 1 else round(value)} %"


def paragraph(text: str, style: str = "BodyText") -> Paragraph:
    """Plain text (escaped: candidates choose file names and answers) in one of the styles."""
    return Paragraph(escape(text), STYLES[style])


def title_block(name: str, details: Sequence[str], facts: Sequence[str]) -> list[Flowable]:
    """The candidate's name, a line of who and for what, and a small line of references."""
    block: list[Flowable] = [paragraph(name, "ReportTitle")]
    if details:
        block.append(paragraph(" · ".join(d for d in details if d), "Subtitle"))
    if facts:
        block.append(paragraph(" · ".join(f for f in facts if f), "Small"))
    block.append(Spacer(1, 5 * mm))
    return block


class Verdict(BaseModel):
    """What a report concludes and whose conclusion it is."""

    recommendation: str  # as a reader says it
    confidence: str
    level: str = ""  # "" where the report has no level (an interview)
    decided_by: str  # "Engine's proposal, not reviewed yet", "Reviewer's decision (...)"
    more: list[tuple[str, str]] = []  # further labelled rows (a note, a late submission)


def verdict_block(verdict: Verdict) -> Table:
    """The verdict as a shaded panel of labelled rows, recommendation first."""
    rows = [
        ("Recommendation", verdict.recommendation),
        ("Confidence", verdict.confidence),
        *([("Level", verdict.level)] if verdict.level else []),
        ("Decided by", verdict.decided_by),
        *verdict.more,
    ]
    table = Table(
        [[paragraph(k, "CellLabel"), paragraph(v or EMPTY, "Cell")] for k, v in rows],
        colWidths=[40 * mm, WIDTH - 40 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), PANEL),
                ("LINEBEFORE", (0, 0), (0, -1), 3, ACCENT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (1, 0), (1, 0), "Helvetica-Bold"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def figure(label: str, value: str) -> list[Flowable]:
    """A headline figure (the overall score) with its label."""
    return [paragraph(label, "Small"), paragraph(value, "Figure"), Spacer(1, 2 * mm)]


class ChartBar(BaseModel):
    label: str
    value: float
    max_value: float


def score_chart(bars: Sequence[ChartBar]) -> Drawing | None:
    """Scores as horizontal bars on a common scale, the first bar on top; None without bars."""
    if not bars:
        return None
    height = 14 * len(bars) + 24
    drawing = Drawing(WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 55 * mm, 16
    chart.width, chart.height = WIDTH - 55 * mm - 10, height - 24
    ordered = list(reversed(bars))  # reportlab draws the first category at the bottom
    chart.data = [[bar.value for bar in ordered]]
    chart.categoryAxis.categoryNames = [bar.label for bar in ordered]
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.categoryAxis.labels.fontName = "Helvetica"
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.strokeColor = RULE
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(bar.max_value for bar in bars)
    chart.valueAxis.valueStep = 1 if chart.valueAxis.valueMax <= 10 else None
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.strokeColor = RULE
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = RULE
    chart.bars[0].fillColor = ACCENT
    chart.bars[0].strokeColor = None
    chart.barWidth = 8
    chart.barLabelFormat = number
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing


def section(title: str, body: Iterable[Flowable], *, empty: str = "None.") -> list[Flowable]:
    """A heading and its content (``empty`` when there is none); the heading never ends a
    page alone."""
    content = list(body) or [paragraph(empty)]
    return [KeepTogether([paragraph(title, "Heading2"), content[0]]), *content[1:]]


def point(text: str, citation: str = "") -> list[Flowable]:
    """A bullet, with where to check it in small type beneath."""
    out: list[Flowable] = [Paragraph(escape(text), STYLES["Point"], bulletText="•")]
    if citation:
        out.append(paragraph(citation, "Citation"))
    return out


def render(story: Sequence[Flowable], *, title: str) -> bytes:
    """The story on A4 as PDF bytes, the same bytes for the same story."""
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author="truelevel",
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        invariant=1,  # no creation date, no random document id
    ).build(list(story))
    return buffer.getvalue()
