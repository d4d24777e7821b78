"""China's workdays: the official holiday calendar (holidays and make-up workdays), Monday–Friday beyond it.

Attendance judges a person only on workdays, and a month worked in part is paid by the workdays employed
(``payable.py``): both ask here. ``chinese_calendar`` has data for the years the State Council has
announced; for a year it has none for, Monday to Friday are taken, and the caller may say so.
"""

from __future__ import annotations

import datetime as dt
import functools

import chinese_calendar


@functools.lru_cache(maxsize=4096)
def official(day: dt.date) -> bool | None:
    """Whether ``day`` is a workday by the official calendar; None for a year it has no data for. Cached: the
    library's look-up is slow, and a chain asks for the same days 30,000 times."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


def is_workday(day: dt.date) -> bool:
    """The official answer, else Monday to Friday."""
    found = official(day)
    return day.weekday() < 5 if found is None else found


def count(first: dt.date, last: dt.date) -> int:
    """The workdays from ``first`` to ``last``, both included (0 when ``last`` is before ``first``)."""
    return sum(is_workday(first + dt.timedelta(days=n)) for n in range((last - first).days + 1))
