"""What people type: a time, a reason, a note, a name. Read here once, for the command line and files alike.

A store lead types fast, on a shop PC or a phone, the way people write times here (``11/3 8:42``,
full-width digits from a Chinese input method); what they type decides pay. So a time is read in every
form that can mean only one moment, and nothing is guessed: it keeps the seconds it is given, and a date
without a time is refused (a bare date would be read as midnight, a made-up time that moves ladders);
text that would rewrite a terminal or a printed scorecard (control characters) or cannot be meant
(pages long) is refused in one sentence::

    >>> zone = zoneinfo.ZoneInfo("Asia/Shanghai")
    >>> print(local_time("2026/11/3 8:42:30", zone))
    2026-11-03 08:42:30+08:00
    >>> plain_text("迟到 \\x1b[2J", what="--note", limit=2000)
    Traceback (most recent call last):
    discipline.typed.Refused: --note holds a control character (\\x1b); type plain text

A refusal (``Refused``, a ``ValueError``) says it in Chinese too (``said.zh``).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zoneinfo

from .wording import Said, say

#: Times outside these are slips of the keyboard (or of a spreadsheet's date cells), not violations.
EARLIEST, LATEST = dt.datetime(2000, 1, 1), dt.datetime(2100, 1, 1)


#: A time as people type it: a date (year first, or no year) with ``-``, ``/``, ``.`` or 年月日, then the
#: hour and minute (seconds optional); or the hour and minute alone. Full-width digits and colons are
#: read as their ASCII forms first (NFKC), as a Chinese input method types them.
_TYPED = re.compile(r"""
    (?:
        (?:(?P<year>\d{4})\s*[-/.年]\s*)?
        (?P<month>\d{1,2})\s*[-/.月]\s*(?P<day>\d{1,2})\s*日?
        (?:\s*T\s*|\s+|(?<=日))
    )?
    (?P<hour>\d{1,2})\s*[:点點时時]\s*(?P<minute>\d{2})\s*(?:[:分]\s*(?P<second>\d{2})\s*秒?|分)?
    """, re.VERBOSE)
#: A date alone, which must be refused: order decides ladder steps, and midnight is a made-up time.
_DATE_ONLY = re.compile(r"(?:\d{4}\s*[-/.年]\s*)?(?:0?[1-9]|1[0-2])\s*[-/.月]\s*(?:0?[1-9]|[12]\d|3[01])\s*日?|\d{8}")
#: How the refusal says a time may be typed.
FORMS = Said("2026-11-03 08:42、2026/11/3 8:42、11-03 08:42（今年）或 08:42（今天）",
             "2026-11-03 08:42, 2026/11/3 8:42, 11-03 08:42 (this year) or 08:42 (today)")


class Refused(ValueError):
    """A value refused (a time, a number, a file's row), saying why in both languages (``said``); its message
    is the English, so code that only reads ``str`` still has the sentence."""

    def __init__(self, said: Said) -> None:
        self.said = said
        super().__init__(said.en)


def local_time(text: str, tz: zoneinfo.ZoneInfo, *, now: dt.datetime | None = None) -> dt.datetime:
    """A time a person typed (``--at``, the ``at`` column), as an aware time in the store's zone; seconds
    kept when given; ``ValueError`` saying what was wrong and the forms allowed.

    ``2026-11-03 08:42``, ``2026-11-03 8:42``, ``2026/11/3 8:42``, ``2026.11.3 8:42``, ``2026年11月3日 8:42``
    and ISO forms (``2026-11-03T08:42:05+08:00``) anywhere; given ``now`` (the command line, not a file),
    also ``11-03 08:42`` and ``11/3 8:42`` (this year, or last year when this year's would be in the
    future) and ``08:42`` (today). A date without a time of day is refused."""
    text = unicodedata.normalize("NFKC", text).strip()
    try:
        at = dt.datetime.fromisoformat(text)  # the usual form, and the only one with an offset
    except ValueError:
        at = _typed(text, tz, now)
    else:
        if _DATE_ONLY.fullmatch(text):  # fromisoformat reads a bare date as midnight: a made-up time
            raise Refused(say("no_time_of_day", typed=repr(text), example=f"{at:%Y-%m-%d} 08:42"))
    if at.microsecond:
        raise Refused(say("parts_of_a_second", typed=repr(text), example=f"{at:%Y-%m-%d %H:%M:%S}"))
    if not EARLIEST <= at.replace(tzinfo=None) < LATEST:
        raise Refused(say("not_this_century", typed=repr(text)))
    return at.replace(tzinfo=tz) if at.tzinfo is None else at.astimezone(tz)


def _typed(text: str, tz: zoneinfo.ZoneInfo, now: dt.datetime | None) -> dt.datetime:
    """The forms ``fromisoformat`` does not read (``local_time``), as a naive local time."""
    found = _TYPED.fullmatch(text)
    if found is None:
        if _DATE_ONLY.fullmatch(text):
            raise Refused(say("no_time_of_day_add", typed=repr(text), example=f"{text} 08:42"))
        raise Refused(say("not_a_time", typed=repr(text), forms=FORMS if now else Said.same("2026-11-03 08:42")))
    part = {name: int(value) for name, value in found.groupdict().items() if value is not None}
    if "year" not in part and now is None:  # a file's rows are read the same whenever it is imported
        raise Refused(say("no_date_in_file", typed=repr(text),
                          part=Said("日期", "date") if "month" not in part else Said("年份", "year")))
    today = now.astimezone(tz).date() if now else dt.date.min
    year, month, day = part.get("year"), part.get("month", today.month), part.get("day", today.day)
    try:
        clock = dt.time(part["hour"], part["minute"], part.get("second", 0))
        if year is not None or "month" not in part:
            return dt.datetime.combine(dt.date(year or today.year, month, day), clock)
        this_year = dt.datetime.combine(dt.date(today.year, month, day), clock)
    except ValueError:
        raise Refused(say("no_such_time", typed=repr(text), forms=FORMS)) from None
    if now is not None and this_year.replace(tzinfo=tz) > now:  # 12-30 typed on 2 January: last year's
        try:
            return this_year.replace(year=today.year - 1)
        except ValueError:  # 29 February
            raise Refused(say("no_such_time", typed=repr(text), forms=FORMS)) from None
    return this_year


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
            raise Refused(say("line_break", what=what))
        if unsafe(ch):
            raise Refused(say("control_character", what=what, ch=escaped(ch)))
    return text


def escaped(ch: str) -> str:
    """A character as Python writes its escape: ``\\x1b``, ``\\u202e``."""
    return ch.encode("unicode_escape").decode("ascii")


def plain_text(text: str, *, what: str, limit: int) -> str:
    """Text as typed, stripped; ``ValueError`` for control characters (escape codes, NUL, line breaks,
    direction overrides) or more than ``limit`` characters."""
    text = refuse_controls(text.strip(), what=what)
    if len(text) > limit:
        raise Refused(say("too_long", what=what, count=len(text), limit=limit))
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
        raise Refused(say("not_a_date", what=what, typed=repr(text))) from None
    if not EARLIEST.date() <= day < LATEST.date():
        raise Refused(say("date_not_this_century", what=what, typed=repr(text)))
    return day
