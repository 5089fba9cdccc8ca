"""The declared-size refusal every upload route shares (``backend.api.uploads``)."""

from __future__ import annotations

import pytest
from fastapi import Request

from backend.api.uploads import refuse_declared_oversize


class TooLarge(Exception):
    pass


def _request(content_length: str | None) -> Request:
    headers = [] if content_length is None else [(b"content-length", content_length.encode())]
    return Request({"type": "http", "method": "POST", "path": "/", "headers": headers})


@pytest.mark.parametrize("declared", [None, "", "10", "abc", "-5", "1e9"])
def test_what_is_not_declared_over_the_cap_passes(declared):
    # Not a number (or absent): left to the cap the copy enforces while it counts.
    refuse_declared_oversize(_request(declared), max_bytes=10, too_large=TooLarge)


def test_a_declared_length_over_the_cap_is_refused_with_the_callers_error():
    with pytest.raises(TooLarge):
        refuse_declared_oversize(_request("11"), max_bytes=10, too_large=TooLarge)
