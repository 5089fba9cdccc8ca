"""Model status (``/models``): what each worker has loaded — warm, cold, loading or failed, on
which device, how much memory — and how much interview work waits in each state: the figures of
the public ``GET /api/v1/models/status``. Refreshes itself every few seconds while open, so a
cold start shows up as it happens."""

from __future__ import annotations

from typing import Any, TypedDict

import reflex as rx

from backend.db import session_scope
from backend.services.interviews.model_status import model_status
from backend.services.storage_quota import storage_lines
from truelevel_app.components.details import figure, figures
from truelevel_app.components.layout import app_shell, page_header
from truelevel_app.components.tables import data_table
from truelevel_app.display import when_iso
from truelevel_app.pages.evaluations import coloured_badge
from truelevel_app.pages.interview_report import STATE_LABELS
from truelevel_app.state import SIGNIN_ROUTE, AuthState, FollowingState

REFRESH_SECONDS = 5.0
ROLE_LABELS = {
    "asr": "Speech recognition",
    "diarization": "Speaker embeddings",
    "embeddings": "Sentence embeddings",
}
_MODEL_STATE_COLOURS = [("warm", "green"), ("loading", "blue"), ("failed", "red")]


class ModelRow(TypedDict):
    worker: str
    role: str
    name: str
    device: str
    state: str
    footprint: str
    detail: str
    updated: str


class QueueDepth(TypedDict):
    state: str
    label: str
    count: int


def status_view(status: dict[str, Any]) -> tuple[list[ModelRow], list[QueueDepth], bool]:
    """The service's answer as the table's rows, the queue's depths and the degraded flag."""
    rows = [
        ModelRow(
            worker=str(m.get("worker_id") or ""),
            role=ROLE_LABELS.get(str(m.get("role")), str(m.get("role") or "")),
            name=str(m.get("name") or ""),
            device=str(m.get("device") or "—"),
            state=str(m.get("state") or ""),
            footprint=f"{m['footprint_mib']} MiB" if m.get("footprint_mib") else "—",
            detail=str(m.get("detail") or ""),
            updated=when_iso(m.get("updated_at")),
        )
        for m in status.get("models") or []
    ]
    depths = [
        QueueDepth(state=str(state), label=STATE_LABELS.get(str(state), str(state)), count=int(n))
        for state, n in (status.get("queue_depths") or {}).items()
    ]
    return rows, depths, bool(status.get("degraded"))


def _read() -> tuple[list[ModelRow], list[QueueDepth], bool]:
    with session_scope() as session:
        return status_view(model_status(session))


class ModelStatusState(FollowingState, AuthState):
    rows: rx.Field[list[ModelRow]] = rx.field(default_factory=list)
    queue: rx.Field[list[QueueDepth]] = rx.field(default_factory=list)
    degraded: bool = False
    loading: bool = True
    error: str = ""
    # Bytes stored by kind, oldest file against retention; the organisation's quota use for its
    # admins (``storage_quota.storage_lines``). Read when the page opens.
    storage: rx.Field[list[str]] = rx.field(default_factory=list)

    def _apply(self, data: tuple[list[ModelRow], list[QueueDepth], bool]) -> None:
        self.rows, self.queue, self.degraded = data

    @rx.event
    def load(self):
        if self._resolve_member() is None:
            return rx.redirect(SIGNIN_ROUTE, replace=True)
        self.error = ""
        try:
            self._apply(_read())
            admin_of = self.member.org_id if self.member.role == "admin" else None
            with session_scope() as session:
                self.storage = storage_lines(session, org_id=admin_of)
        except Exception:
            self.error = "The model status could not be read. Try again in a moment."
        self.loading = False
        self._start_following()
        return ModelStatusState.keep_fresh

    def _apply_fresh(self, data: tuple[list[ModelRow], list[QueueDepth], bool]) -> bool:
        """A tick of the refresh loop, which runs for as long as the page is open."""
        self._apply(data)
        self.error = ""
        return False

    @rx.event(background=True)
    async def keep_fresh(self):
        async with self:
            generation = self._follow_generation
        await self._follow(generation, _read, self._apply_fresh, seconds=REFRESH_SECONDS)


S = ModelStatusState


def _state_badge(state) -> rx.Component:
    return coloured_badge(state, state, _MODEL_STATE_COLOURS, "gray", class_name="model-state")


def _row_view(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["role"]),
        rx.table.cell(rx.code(row["name"], variant="ghost")),
        rx.table.cell(
            rx.vstack(
                _state_badge(row["state"]),
                rx.cond(row["detail"] != "", rx.text(row["detail"], size="1", color_scheme="gray")),
                spacing="1",
                align="start",
            )
        ),
        rx.table.cell(row["device"]),
        rx.table.cell(row["footprint"]),
        rx.table.cell(rx.code(row["worker"], variant="ghost", size="1")),
        rx.table.cell(row["updated"], white_space="nowrap"),
        class_name="model-row",
    )


def _queue_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Interview work waiting", size="3"),
            figures(
                S.queue,
                lambda q: figure(
                    q["label"],
                    q["count"],
                    size="5",
                    weight="bold",
                    class_name="queue-depth",
                    custom_attrs={"data-state": q["state"]},
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="queue-depths",
    )


@rx.page(route="/models", title="Models · truelevel", on_load=ModelStatusState.load)
def model_status_page() -> rx.Component:
    return app_shell(
        page_header(
            "Models",
            "What the speech workers have loaded and the interview work waiting for them. "
            "Refreshes every few seconds.",
        ),
        rx.cond(
            S.degraded,
            rx.callout(
                "Degraded: no worker has a speech model ready, or work has waited over five "
                "minutes. Start a worker (make worker) or check its log.",
                icon="triangle-alert",
                color_scheme="orange",
                width="100%",
                id="degraded",
            ),
            rx.cond(
                ~S.loading,
                rx.callout(
                    "Operational: a worker has its speech model ready.",
                    icon="circle-check",
                    color_scheme="green",
                    width="100%",
                    id="operational",
                ),
            ),
        ),
        _queue_card(),
        rx.card(
            rx.vstack(
                rx.heading("Storage", size="3"),
                rx.foreach(S.storage, lambda line: rx.text(line, size="2", class_name="storage")),
                spacing="2",
                width="100%",
            ),
            width="100%",
            id="storage",
        ),
        data_table(
            columns=["Role", "Model", "State", "Device", "Memory", "Worker", "Reported"],
            rows=S.rows,
            render_row=_row_view,
            loading=S.loading,
            error=S.error,
            empty_title="No worker has reported in the last ten minutes",
            empty_hint="Workers report their models when they start (make worker), then every "
            "two minutes while they run.",
            empty_icon="cpu",
            table_id="models-table",
        ),
        rx.box(on_unmount=S.stop_following, display="none"),
    )
