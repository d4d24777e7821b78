"""The one place that reads the clock, so tests can freeze it with freezegun."""

from __future__ import annotations

import datetime as dt


def now(tz: dt.tzinfo) -> dt.datetime:
    """The current time in ``tz`` (timezone-aware)."""
    return dt.datetime.now(dt.UTC).astimezone(tz)
