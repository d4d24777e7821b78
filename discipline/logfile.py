"""Reading a CSV of violations to log in one go (``discipline events import``).

For a store that kept its record in a spreadsheet before, or a chain moving its history in. One row
is one ``discipline log``; the columns are that command's options::

    staff,rule,at,count,items,value,loss,outcome,lapse,charge,note,by
    C01,showroom.late,2026-11-03 08:42,,,,,,,,,
    C01,showroom.toolkit,2026-11-05 10:30,,订单;金融资料,,,,,,,SM1
    G02,duty.cleanup,2026-11-06 09:20,2,,,,,yes,,卫生未打扫,

``staff``, ``rule`` and ``at`` are required; ``items`` are separated by ``;``; ``lapse`` is
yes/no (also 1/0, true/false, 是/否). Every bad row is reported with its line. A ``staff`` of several
people (``"C01,C02"``) is one violation of a rule whose wording charges every party: an event each.
"""

from __future__ import annotations

import re
import zoneinfo
from operator import itemgetter

import attrs

from .model import Event
from .money import parse_decimal
from .textfile import MAX_PROBLEMS, read_csv
from .typed import Refused, local_time, plain_text, refuse_controls
from .wording import Said, said_of, say

#: What separates the people of a row that logs one violation of several (``C01,C02``, ``C01、C02``).
PARTIES = re.compile(r"[,，、;；]")
#: The ids of a row's people: its line, then line + PARTY, line + 2 × PARTY … (an import's drafts are told
#: apart by id until the log numbers them).
PARTY = 10**9


def party_line(event_id: int) -> int:
    """The line of the row a draft (an event of an events file, not yet logged) came from."""
    return event_id % PARTY


#: The longest note a row (or ``--note``) may carry.
NOTE_LIMIT = 2000
COLUMNS = ("staff", "rule", "at", "count", "items", "value", "loss", "outcome", "lapse", "charge", "note", "by")
REQUIRED = ("staff", "rule", "at")
YES = {"yes", "y", "1", "true", "是"}
NO = {"", "no", "n", "0", "false", "否"}


def read_events(text: str, tz: zoneinfo.ZoneInfo) -> tuple[list[tuple[int, Event]], list[Said]]:
    """(line, event) for every good row and one ``line N: …`` sentence (both languages) for every bad one.
    Each event's ``id`` is its line until the log gives it one, so the events are the drafts an import checks
    (no copy of each)."""
    try:
        found = read_csv(text)
    except ValueError as exc:
        return [], [say("at_line", line=1, message=said_of(exc))]
    header = list(found.header)
    if not header:
        return [], [say("file_empty_header", columns=",".join(COLUMNS))]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing or unknown or len(set(header)) != len(header):
        return [], [say("at_line", line=1, message=say("events_header", columns=", ".join(COLUMNS),
                                                       got=", ".join(header)))]
    events: list[tuple[int, Event]] = []
    problems = [(line, message) for line, message in found.problems]
    shared: dict[str, str] = {}  # one str for each text the rows repeat (staff, rule, by, notes, items)
    for line, record in found.records:
        if len(problems) > MAX_PROBLEMS:  # the file is refused anyway; a million bad rows are not listed
            problems.append((line, say("problems_stopped", count=f"{MAX_PROBLEMS:,}")))
            break
        try:
            event = _event({key: shared.setdefault(text, text) for key, text in record.items()}, tz, shared, line)
            parties = [who.strip() for who in PARTIES.split(event.staff) if who.strip()]
            if len(parties) < 2:
                events.append((line, event))
            else:  # one violation of several people: an event each, told apart by id (``party_line``)
                events.extend((line, attrs.evolve(event, id=line + n * PARTY, staff=who))
                              for n, who in enumerate(parties))
        except ValueError as exc:
            problems.append((line, said_of(exc)))
    return events, [say("at_line", line=line, message=message) for line, message in sorted(problems, key=itemgetter(0))]


def _event(record: dict[str, str], tz: zoneinfo.ZoneInfo, shared: dict[str, str], line: int = 0) -> Event:
    for column in REQUIRED:
        if not record.get(column):
            raise Refused(say("column_empty", column=column))
    for column, text in record.items():  # notes and names are shown on terminals and printed scorecards
        refuse_controls(text, what=column)
    try:
        at = local_time(record["at"], tz)
    except ValueError as exc:
        raise Refused(say("column_at", why=said_of(exc))) from None
    note = plain_text(record.get("note", ""), what="note", limit=NOTE_LIMIT)
    count = None
    if record.get("count"):
        if not record["count"].isdecimal() or int(record["count"]) < 1:  # isdigit() takes ² too, which int() does not
            raise Refused(say("count_whole", typed=repr(record["count"])))
        count = int(record["count"])
    amounts = {}
    for column in ("value", "loss"):
        if record.get(column):
            amounts[column] = parse_decimal(record[column], what=column, money=True)
    lapse_text = record.get("lapse", "").lower()
    if lapse_text not in YES | NO:
        raise Refused(say("lapse_yes_no", typed=repr(record["lapse"])))
    parts = (part.strip() for part in record.get("items", "").split(";"))
    items = tuple(shared.setdefault(item, item) for item in parts if item)
    return Event(id=line, staff=record["staff"], rule=record["rule"], at=at, count=count, items=items,
                 value=amounts.get("value"), loss=amounts.get("loss"), outcome=record.get("outcome") or None,
                 lapse=lapse_text in YES, charge=record.get("charge") or None, note=note,
                 by=record.get("by") or None)
