"""The shared page/size helper."""

from __future__ import annotations

import pytest
from sqlmodel import select

from backend.models.pipeline import Job
from backend.services.errors import InvalidInput
from backend.services.pagination import Page, paginate
from tests.helpers import make_org


def test_paginate_counts_and_slices(db):
    org = make_org()
    for i in range(7):
        db.add(Job(org_id=org.org_id, title=f"Job {i}", desc="d"))
    db.commit()
    statement = select(Job).where(Job.org_id == org.org_id).order_by(Job.title)
    page = paginate(db, statement, page=3, size=3)
    assert (page.total, page.page, page.size, page.pages) == (7, 3, 3, 3)
    assert [job.title for job in page.items] == ["Job 6"]
    mapped = page.map(lambda job: job.title)
    assert isinstance(mapped, Page)
    assert mapped.model_dump() == {
        "items": ["Job 6"],
        "total": 7,
        "page": 3,
        "size": 3,
        "pages": 3,
    }


def test_empty_result_has_zero_pages(db):
    statement = select(Job).where(Job.org_id == "nobody").order_by(Job.id)
    page = paginate(db, statement, page=1, size=20)
    assert (page.items, page.total, page.pages) == ([], 0, 0)


@pytest.mark.parametrize(("page", "size"), [(0, 10), (1, 0), (1, 101), (10**7, 10)])
def test_out_of_range_is_invalid_input(db, page, size):
    with pytest.raises(InvalidInput):
        paginate(db, select(Job).order_by(Job.id), page=page, size=size)
