"""Hiring pipeline routers (seed 003), all behind an API key with the ``pipeline`` scope."""

from fastapi import APIRouter

from backend.api.pipeline import (
    applications,
    calls,
    candidates,
    jobs,
    questions,
    tenant_webhooks,
)

router = APIRouter()
router.include_router(jobs.router)
router.include_router(questions.router)
router.include_router(candidates.router)
router.include_router(applications.router)
router.include_router(tenant_webhooks.router)
router.include_router(calls.router)
