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


def unsafe(ch: str) -> bool:
    """Whether a character would act on a terminal or a page instead of showing: a C0 or C1 control
    (escape codes, NUL, DEL), a line or paragraph separator, or an invisible format character such as the
    direction overrides U+202A–U+202E and isolates U+2066–U+2069 (a zero-width joiner, which joins emoji,
    is text)."""
    return ch != "\u200d" and unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")


def refuse_controls(text: str, *, what: str) -> str:
    """``text`` unchanged, or ``ValueError`` naming ``what`` and the first character ``unsafe`` to store:
    names, stores, notes and reasons are shown on terminals and printed scorecards."""
    if text.isprintable():  # the usual case, in C: no control, format or separator character at all
        return text
    for ch in text:
        if ch in "\r\n\u2028\u2029":
            raise ValueError(f"{what} holds a line break; keep it on one line")
        if unsafe(ch):
            raise ValueError(f"{what} holds a control character ({escaped(ch)}); type plain text")
    return text


def escaped(ch: str) -> str:
    """A character as Python writes its escape: ``\\x1b``, ``\\u202e``."""
    return ch.encode("unicode_escape").decode("ascii")


def plain_text(text: str, *, what: str, limit: int) -> str:
    """Text as typed, stripped; ``ValueError`` for control characters (escape codes, NUL, line breaks,
    direction overrides) or more than ``limit`` characters."""
    text = refuse_controls(text.strip(), what=what)
    if len(text) > limit:
        raise ValueError(f"{what} is too long ({len(text)} characters); keep it under {limit}")
    return text


def year_after(today: dt.date) -> dt.date:
    """The same day a year on (28 February for 29 February)."""
    try:
        return today.replace(year=today.year + 1)
    except ValueError:
        return today.replace(year=today.year + 1, day=28)


def far_from_today(day: dt.date, *, today: dt.date) -> str | None:
    """Why a day in a punch, schedule or leave file cannot be meant (before 2000, or more than a year after
    ``today``: a machine's clock or a spreadsheet's date cell gone wrong), or None when it can."""
    if day < EARLIEST.date():
        return f"{day} is before {EARLIEST.date()}"
    if day > year_after(today):
        return f"{day} is more than a year after today ({today})"
    return None


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
