"""The evidence dialog: a commit, a quote or a figure, and for a file the code viewer (the
candidate's file with its line numbers, the cited lines highlighted and scrolled to) or, when
the file is not kept, why not and the excerpt the engine cited. Radix's dialog gives the keyboard
its due: focus moves into it, Tab stays inside, Escape closes it."""

from __future__ import annotations

import reflex as rx

from truelevel_app.pages.evaluation_report.state import S


def evidence_dialog() -> rx.Component:
    detail = S.evidence
    excerpt = rx.el.table(
        rx.el.tbody(
            rx.foreach(
                detail["lines"],
                lambda line: rx.el.tr(
                    rx.el.td(
                        line["number"],
                        class_name="line-number",
                        style={
                            "text_align": "right",
                            "padding_right": "0.75rem",
                            "color": rx.color("gray", 9),
                            "user_select": "none",
                            "vertical_align": "top",
                        },
                    ),
                    rx.el.td(
                        line["text"],
                        class_name="line-text",
                        style={"white_space": "pre", "vertical_align": "top"},
                    ),
                    class_name=rx.cond(line["cited"], "excerpt-line cited-line", "excerpt-line"),
                    custom_attrs={"data-cited": line["cited"].to_string()},
                    background=rx.cond(line["cited"], rx.color("amber", 4), "transparent"),
                    box_shadow=rx.cond(
                        line["cited"], f"inset 3px 0 0 {rx.color('amber', 9)}", "none"
                    ),
                ),
            )
        ),
        style={
            "font_family": "var(--code-font-family)",
            "font_size": "13px",
            "border_collapse": "collapse",
            "width": "100%",
        },
    )
    body = rx.match(
        detail["kind"],
        (
            "file",
            rx.vstack(
                rx.cond(
                    detail["notice"] != "",
                    rx.callout(
                        detail["notice"], icon="info", color_scheme="gray", id="file-notice"
                    ),
                ),
                rx.cond(
                    detail["lines"].length() > 0,
                    rx.box(
                        excerpt,
                        background=rx.color("gray", 2),
                        border=f"1px solid {rx.color('gray', 5)}",
                        border_radius="var(--radius-2)",
                        padding="0.5rem",
                        overflow="auto",
                        max_height="60vh",
                        width="100%",
                        # Focusable, so the arrow keys scroll a long file.
                        tab_index=0,
                        aria_label=detail["title"],
                        id="code-lines",
                    ),
                ),
                rx.cond(
                    detail["more"] != "",
                    rx.button(
                        detail["more"],
                        variant="ghost",
                        size="1",
                        on_click=S.show_whole_file,
                        id="show-whole-file",
                    ),
                ),
                rx.cond(detail["text"] != "", rx.text(detail["text"], size="2")),
                width="100%",
            ),
        ),
        ("quote", rx.blockquote(detail["text"], size="3", id="evidence-quote")),
        rx.text(detail["text"], size="2", id="evidence-text"),
    )
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(detail["title"], id="evidence-title"),
            rx.box(body, id="evidence-body", width="100%"),
            rx.hstack(
                rx.button("Close", variant="soft", color_scheme="gray", on_click=S.close_evidence),
                justify="end",
                margin_top="1rem",
            ),
            max_width="60rem",
            id="evidence-dialog",
        ),
        open=S.show_evidence,
        on_open_change=lambda _open: S.close_evidence(),
    )
