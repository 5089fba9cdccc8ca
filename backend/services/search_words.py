"""What a recruiter types in a list's search box, and the one rule for matching it: any of the
given columns contains the words, in any case, with ``%`` and ``_`` taken literally."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, StringConstraints
from sqlalchemy import func, or_

MAX_SEARCH = 200


def clean_search(text: str | None) -> str:
    """The words to look for: no surrounding spaces, no NUL (PostgreSQL refuses it in text),
    at most MAX_SEARCH characters."""
    return (text or "").replace("\x00", "").strip()[:MAX_SEARCH]


# A filter's ``search`` field: cleaned as above (longer input is refused, not cut).
SearchWords = Annotated[str, StringConstraints(max_length=MAX_SEARCH), AfterValidator(clean_search)]


def contains_words(words: str | None, *columns: Any) -> Any | None:
    """The condition "one of ``columns`` contains ``words``" (NULL columns never do); None when
    there is nothing to look for."""
    words = clean_search(words)
    if not words:
        return None
    return or_(*(func.coalesce(c, "").icontains(words, autoescape=True) for c in columns))
