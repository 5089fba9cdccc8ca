"""File uploads from the browser: a size limit the browser enforces before sending (the server
enforces it again), what to say about a refused file, and the progress of the sending."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ArrayVar, ObjectVar, Var

MIB = 1024 * 1024


def _refusal(rejected: Var) -> tuple[Var, Var]:
    """The first refused file's reasons (react-dropzone's codes, comma-separated) and its name:
    plain text, as the File itself must not travel with the event."""
    first = rejected.to(ArrayVar, list[dict[str, Any]])[0].to(ObjectVar, dict[str, Any])
    errors = first["errors"].to(ArrayVar, list[dict[str, Any]])
    codes = errors.map(lambda e: e.to(ObjectVar, dict[str, Any])["code"]).join(",")
    return codes, first["file"].to(ObjectVar, dict[str, Any])["name"].to(str)


def limit_props(limit_mb: int, on_refused: Any) -> dict[str, Any]:
    """Props of an ``rx.upload`` that refuses a file over ``limit_mb`` (or of the wrong type)
    in the browser, before anything is sent, and calls ``on_refused(codes, name)``."""
    return {
        "max_size": limit_mb * MIB,
        "on_drop_rejected": lambda rejected: on_refused(*_refusal(rejected)),
    }


def refused_file(codes: str, name: str, *, limit_mb: int, wanted: str) -> str:
    """What to tell the person about a file the browser refused (``codes``: react-dropzone's,
    comma-separated); ``wanted`` names what fits, such as "a .zip file"."""
    codes = set(codes.split(","))
    name = name or "The file"
    if "file-too-large" in codes:
        return f"{name} is larger than {limit_mb} MB, the most that can be sent. Choose {wanted}."
    if "too-many-files" in codes:
        return f"Choose one file: {wanted}."
    return f"{name} cannot be sent here. Choose {wanted}."


def percent_sent(progress: dict[str, Any]) -> int:
    """on_upload_progress's report as a whole percentage (0–100)."""
    return max(0, min(100, round(float(progress.get("progress") or 0.0) * 100)))


def upload_progress(percent: Var[int], *, received: str, id: str) -> rx.Component:
    """A bar and "Uploading… 40 %" while the file goes; ``received`` once all of it is there
    and the server checks it."""
    return rx.vstack(
        rx.progress(value=percent, width="100%", id=id),
        rx.text(
            rx.cond(percent < 100, "Uploading… " + percent.to_string() + " %", received),
            size="1",
            color_scheme="gray",
            id=f"{id}-text",
        ),
        spacing="1",
        width="100%",
    )
