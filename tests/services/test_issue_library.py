"""The issue library as the web app browses it: newest first, a page at a time, searched on the
server by title, text, language or repository, and only the organisation's own issues."""

from __future__ import annotations

from backend.models.assessments import IssueCreate
from backend.services.oss_issues import create_issue, page_of_issues
from tests.helpers import make_org


def _add(db, org_id: str, title: str, **fields) -> str:
    data = IssueCreate.model_validate({"title": title, "body": f"Fix: {title}", **fields})
    return create_issue(db, org_id=org_id, data=data).id


def test_pages_come_newest_first_and_a_page_past_the_end_shows_the_last(db):
    org = make_org()
    ids = [_add(db, org.org_id, f"Issue {n}") for n in range(5)]

    first = page_of_issues(db, org_id=org.org_id, page=1, size=2)
    assert [i.id for i in first.items] == [ids[4], ids[3]]
    assert (first.total, first.pages) == (5, 3)
    past_the_end = page_of_issues(db, org_id=org.org_id, page=9, size=2)
    assert past_the_end.page == 3 and [i.id for i in past_the_end.items] == [ids[0]]


def test_search_finds_words_in_the_title_text_language_or_repository(db):
    org, other = make_org(), make_org()
    by_title = _add(db, org.org_id, "Race condition in the rate limiter")
    by_language = _add(db, org.org_id, "Slow start-up", language="Rust")
    by_repo = _add(db, org.org_id, "Flaky test", repo_url="https://github.com/acme/limiter-rs")
    _add(db, org.org_id, "Unrelated", body="Nothing to see")
    _add(db, other.org_id, "Rate limiter for another organisation")

    def found(words: str) -> list[str]:
        return [i.id for i in page_of_issues(db, org_id=org.org_id, search=words, page=1).items]

    assert found("LIMITER") == [by_repo, by_title]  # any case, newest first, own issues only
    assert found("rust") == [by_language]
    assert found("100%_") == []  # % and _ are taken literally
    assert page_of_issues(db, org_id=org.org_id, search="  ", page=1).total == 4
