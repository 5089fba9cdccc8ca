"""Query and path parameters shared by the pipeline routers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Query

from backend.models.pipeline import LEN_ID, LEN_NAME
from backend.services.pagination import (
    DEFAULT_PAGE,
    DEFAULT_PAGE_SIZE,
    MAX_PAGE,
    MAX_PAGE_SIZE,
)


@dataclass(frozen=True)
class PageParams:
    page: int
    size: int


def page_params(
    page: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page number, from 1.")] = (
        DEFAULT_PAGE
    ),
    size: Annotated[
        int, Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page, 1 to 100.")
    ] = DEFAULT_PAGE_SIZE,
) -> PageParams:
    """``page`` and ``size`` for every seed-003 list; out of range answers 422."""
    return PageParams(page=page, size=size)


PageQuery = Annotated[PageParams, Depends(page_params)]

# PostgreSQL refuses NUL in text: such ids and filters are answered 422, never 500.
_NO_NUL = r"^[^\x00]*$"

SourceIdQuery = Annotated[str | None, Query(max_length=LEN_NAME, pattern=_NO_NUL)]
IdQuery = Annotated[str | None, Query(max_length=LEN_ID, pattern=_NO_NUL)]
# A value to store (not a filter): must not be empty.
SourceIdValueQuery = Annotated[
    str | None, Query(min_length=1, max_length=LEN_NAME, pattern=_NO_NUL)
]


JobIdPath = Annotated[str, Path(max_length=LEN_ID, pattern=_NO_NUL, description="The job's id.")]
CandidateIdPath = Annotated[
    str, Path(max_length=LEN_ID, pattern=_NO_NUL, description="The candidate's id.")
]
ApplicationIdPath = Annotated[
    str, Path(max_length=LEN_ID, pattern=_NO_NUL, description="The application's id.")
]
QuestionIdPath = Annotated[
    str, Path(max_length=LEN_ID, pattern=_NO_NUL, description="The question's id.")
]
WebhookIdPath = Annotated[
    str, Path(max_length=LEN_ID, pattern=_NO_NUL, description="The tenant webhook's id.")
]
