"""Liveness for load balancers and `make run`."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from backend.api.deps import SessionDep
from backend.api.errors import FlatErrorRoute

router = APIRouter(tags=["health"], route_class=FlatErrorRoute)


@router.get("/health", summary="Service health")
def health(session: SessionDep) -> dict[str, str]:
    session.exec(text("SELECT 1"))  # type: ignore[call-overload]
    return {"status": "ok"}
