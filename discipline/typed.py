"""What people type: a time, a reason, a note, a name. Read here once, for the command line and files alike.

A store lead types fast, on a shop PC; what they type decides pay. So nothing is guessed: a time
keeps the seconds it is given and a date without a time is refused (a bare date would be read as
midnight, a made-up time that moves ladders); text that would rewrite a terminal or a printed
scorecard (control characters) or cannot be meant (pages long) is refused in one sentence::

    >>> local_time("2026-11-03 08:42:30", zone)
    datetime.datetime(2026, 11, 3, 8, 42, 30, tzinfo=zoneinfo.ZoneInfo(key='Asia/Shanghai'))
    >>> plain_text("迟到 \\x1b[2J", what="--note")
    Traceback (most recent call last):
    ValueError: --note holds a control character (\\x1b); type plain text
"""

from __future__ import annotations

import datetime as dt
import unicodedata
import zoneinfo

#: Times outside these are slips of the keyboard (or of a spreadsheet's date cells), not violations.
EARLIEST, LATEST = dt.datetime(2000, 1, 1), dt.datetime(2100, 1, 1)


def local_time(text: str, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """A time a person typed (``--at``, the ``at`` column): ``2026-11-03 08:42`` or ``2026-11-03T08:42``, seconds
    kept when given, as an aware time in the store's zone; ``ValueError`` with the allowed form."""
    text = text.strip()
    try:
        at = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a local time like 2026-11-03T08:42 or '2026-11-03 08:42'") from None
    if _date_only(text):  # fromisoformat reads a bare date as midnight: a made-up time that moves ladders
        raise ValueError(f"{text!r} has no time of day; give it as '{at:%Y-%m-%d} 08:42'")
    if at.microsecond:
        raise ValueError(f"{text!r} has parts of a second; give the time to the second, like '{at:%Y-%m-%d %H:%M:%S}'")
    if not EARLIEST <= at.replace(tzinfo=None) < LATEST:
        raise ValueError(f"{text!r} is not a time of this century; give the date like 2026-11-03")
    return at.replace(tzinfo=tz) if at.tzinfo is None else at.astimezone(tz)


def _date_only(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def plain_text(text: str, *, what: str, limit: int) -> str:
    """Text as typed, stripped; ``ValueError`` for control characters (escape codes, NUL, line breaks,
    direction overrides) or more than ``limit`` characters."""
    text = text.strip()
    for ch in text:
        if ch in "\r\n\u2028\u2029":
            raise ValueError(f"{what} holds a line break; keep it on one line")
        if unicodedata.category(ch) in ("Cc", "Cf") and ch != "\u200d":  # a zero-width joiner joins emoji
            raise ValueError(f"{what} holds a control character ({ch.encode('unicode_escape').decode()}); "
                             "type plain text")
    if len(text) > limit:
        raise ValueError(f"{what} is too long ({len(text)} characters); keep it under {limit}")
    return text


def local_date(text: str, *, what: str) -> dt.date:
    """A date a person typed (``--effective``, ``--at``): ``2026-11-03`` or ``2026/11/3``."""
    cleaned = text.strip().replace("/", "-")
    parts = cleaned.split("-")
    try:
        if len(parts) != 3:
            raise ValueError
        day = dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise ValueError(f"{what} {text!r} is not a date like 2026-11-03") from None
    if not EARLIEST.date() <= day < LATEST.date():
        raise ValueError(f"{what} {text!r} is not a date of this century")
    return day
