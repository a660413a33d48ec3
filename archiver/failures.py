"""Failure reasons grouped: "HTTP 404" and "TimeoutError: ... took longer than 3 s" are
two reasons however many URLs they hit, so runs and `archiver failures` can count them."""

from __future__ import annotations

import re

# The URL or figures that follow a reason's name vary per fetch; the name does not.
_DETAIL = re.compile(r"\s*[:(\[].*$", re.DOTALL)


def reason_of(error: str | None) -> str:
    """The reason part of a capture's error: its text up to the first ':' '(' or '['."""
    if not error:
        return "unknown"
    reason = _DETAIL.sub("", error.strip()).strip()
    return reason or error.strip()[:60]
