"""Changes to the roster, each from the date it takes effect: a raise from its date, a transfer from its.

Every change is a new version of the person (``store.staff.record``); pricing, caps, liability and
a supervisor's lapse use the person as they were on the event's day (``StaffHistory``). A change
may not take effect inside a closed month; one in an open month re-prices the stores it touches
from that date and says, per person, what it changed::

    discipline staff import roster.csv --effective 2026-11-01
    discipline staff set C01 base_wage=4500 --effective 2026-11-01
    discipline staff history C01

A person's first version holds from the beginning (their ``hired`` date says from when they work):
a violation found later, dated before the import that added them, is still theirs.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

import attrs

from . import batches, cache, changes, lookup, payroll, textfile, versions
from .changes import Change
from .model import DisciplineError, FileRefused, RuleBook, RuleTable, Staff, StaffHistory
from .roster import COLUMNS, read_roster
from .storage import Store
from .wording import Said, said_of, say

#: The fields a version records, as the roster's columns name them.
FIELDS = tuple(column for column in COLUMNS if column != "id")


@attrs.frozen
class FieldChange:
    staff_id: str
    field: str
    before: str
    after: str

    def __str__(self) -> str:
        return f"{self.staff_id}: {self.field} {self.before or '(none)'} → {self.after or '(none)'}"

    @property
    def personal(self) -> bool:
        """A name, hired or left date: it holds whatever the day (``StaffHistory.PERSONAL``)."""
        return self.field in StaffHistory.PERSONAL


@attrs.frozen
class RosterChange:
    """What a roster change did."""

    effective: dt.date
    added: tuple[str, ...]
    """Staff ids new to the roster (from the beginning)."""
    fields: tuple[FieldChange, ...]
    """Every field that changed for someone already on it, from ``effective``."""
    unchanged: int
    """Rows that changed nothing."""
    batch: int | None
    changed: tuple[Change, ...] = ()
    """What the change did to pay, per person and event (in open months: a closed month never changes)."""
    dry_run: bool = False
    hired_on_adding: tuple[str, ...] = ()
    """People added to a roster in use without a hired date: hired from the day they were added."""

    @property
    def updated(self) -> int:
        return len({change.staff_id for change in self.fields})


def import_file(store: Store, table: RuleTable | RuleBook, data: bytes, *, effective: dt.date, now: dt.datetime,
                file: str = "", by: str | None = None, dry_run: bool = False, confirm: bool = False) -> RosterChange:
    """A roster CSV's rows as versions from ``effective``; any bad row refuses the whole file (a wage beyond
    the plausible limit too, unless ``confirm``: ``plausible.py``)."""
    try:
        text = textfile.decode(data)
    except ValueError as exc:
        raise DisciplineError(said_of(exc)) from None
    return _apply(store, table, lambda history: text, effective=effective, now=now, command="staff import",
                  file=file, sha256=batches.sha256(data), by=by, dry_run=dry_run, what=say("the_roster"),
                  confirm=confirm)


def set_fields(store: Store, table: RuleTable | RuleBook, staff_id: str, values: Mapping[str, str], *,
               effective: dt.date, now: dt.datetime, by: str | None = None, dry_run: bool = False,
               confirm: bool = False) -> RosterChange:
    """One person's fields (``base_wage=4500``, ``store=…``, ``left=2026-11-30``) from ``effective``."""
    unknown = [name for name in values if name not in FIELDS]
    if unknown:
        fields = Said("、".join(FIELDS), ", ".join(FIELDS))
        raise DisciplineError(say("not_a_field", name=repr(unknown[0]), fields=fields))

    def rows(history: StaffHistory) -> str:  # read inside the transaction: two changes at once both hold
        found = lookup.staff_id(staff_id, history.versions)
        current = history.person(found, effective) if found else None
        if current is None:
            raise lookup.unknown_staff(staff_id, history.latest(), otherwise=say("staff_add_hint"))
        return _csv([{**_row(current), **values}])

    return _apply(store, table, rows, effective=effective, now=now, command="staff set", by=by, dry_run=dry_run,
                  what=say("a_change"), confirm=confirm)


def add(store: Store, table: RuleTable | RuleBook, values: Mapping[str, str], *, effective: dt.date,
        now: dt.datetime, by: str | None = None, dry_run: bool = False, confirm: bool = False) -> RosterChange:
    """One new person, given the roster's columns."""

    def rows(history: StaffHistory) -> str:
        if values.get("id", "") in history.versions:
            raise DisciplineError(say("on_roster_already", id=values["id"]))
        return _csv([dict(values)])

    return _apply(store, table, rows, effective=effective, now=now, command="staff add", by=by, dry_run=dry_run,
                  what=say("new_person"), confirm=confirm)


def _apply(store: Store, table: RuleTable | RuleBook, rows: Callable[[StaffHistory], str], *, effective: dt.date,
           now: dt.datetime, command: str, by: str | None, dry_run: bool, what: Said, file: str | None = None,
           sha256: str | None = None, confirm: bool = False) -> RosterChange:
    """Read the rows against the roster in one snapshot, before the write lock, and record them inside it
    (read again there only when the seals' head moved: another roster change, a rule version or a close
    committed meanwhile), so that a chain's whole roster holds a lead's log up only while it is written."""
    cache.settle_first(store, versions.follow(table), None)  # a change may reach any store
    with store.read():
        book = versions.current(store, table)
        _refuse_closed(store, effective)
        stamp = store.seals.head()
        planned = _Planned.read(store, book, rows, effective=effective, what=what, confirm=confirm)
    with store.write(dry_run=dry_run):
        book = versions.current(store, table)  # inside the lock: a version may have been published meanwhile
        _refuse_closed(store, effective)
        if store.seals.head() != stamp:
            planned = _Planned.read(store, book, rows, effective=effective, what=what, confirm=confirm)
        added, updated, fields, existing = planned.added, planned.updated, planned.fields, planned.existing
        if not added and not updated:
            return RosterChange(effective, (), (), planned.unchanged, None, dry_run=dry_run)
        batch = store.batches.add(command, at=now, file=file, sha256=sha256, by=by, details={
            "added": len(added), "updated": len(updated), "unchanged": planned.unchanged,
            "effective": effective.isoformat()})
        store.staff.record([(p, None) for p in added] + [(p, effective) for p in updated]
                           + _carried_forward(planned.history, updated, existing, effective), recorded_at=now,
                           batch=batch)
        unchanged, hired = planned.unchanged, tuple(p.id for p in added if planned.known and p.hired == effective)
        before = {p.id: existing[p.id] for p in updated}
        del planned, existing  # the roster as it was (a chain's is 200 MB): ``_reprice`` reads it as it is now
        personal = any(change.personal for change in fields)
        diff, later = _reprice(store, book, added, updated, before, None if personal else effective,
                               later=not dry_run)
        added_ids = tuple(p.id for p in added)
        del added, updated, before  # 30,000 people each, twice, while the steps below read the roster again
        latest = (store.months.latest() or "")  # a closed month never changes: not paid, not said
        changed = [c for c in changes.changes(diff) if c.month > latest]
        del diff
    if later.keys:  # a change that reaches many people is priced after it commits, in steps, and still said
        changed = [c for c in later.moved(store, versions.follow(table), changed) if c.month > latest]
    return RosterChange(effective, added_ids, fields, unchanged, None if dry_run else batch,
                        changed=tuple(changed), dry_run=dry_run, hired_on_adding=hired)


@attrs.frozen
class _Planned:
    """What a roster change would record, read against the roster as it is."""

    history: StaffHistory
    existing: Mapping[str, Staff]
    """Everyone as they are on the effective day."""
    known: Mapping[str, Staff]
    """Everyone as they are in their latest version."""
    added: list[Staff]
    updated: list[Staff]
    fields: tuple[FieldChange, ...]
    unchanged: int

    @classmethod
    def read(cls, store: Store, book: RuleBook, rows: Callable[[StaffHistory], str], *, effective: dt.date,
             what: Said, confirm: bool) -> _Planned:
        history = store.staff.history()
        existing = history.at(effective)
        known = history.latest()
        people, problems = read_roster(rows(history), book.at(effective), {**known, **existing}, confirm=confirm)
        if problems:
            if len(problems) == 1 and problems[0].line and what != say("the_roster"):
                raise DisciplineError(say("change_not_recorded", what=what, message=problems[0].message))
            raise FileRefused(what, problems)
        if not people:
            raise DisciplineError(say("no_roster_rows"))
        if known:  # someone new to a roster in use joins on the day added, unless the file says when
            people = [attrs.evolve(p, hired=effective) if p.id not in known and p.hired is None else p
                      for p in people]
        added = [p for p in people if p.id not in known]
        updated = [p for p in people if p.id in known and existing.get(p.id) != p]
        fields = tuple(change for p in updated for change in field_changes(existing[p.id], p))
        return cls(history, existing, known, added, updated, fields, len(people) - len(added) - len(updated))


def _carried_forward(history: StaffHistory, updated: Sequence[Staff], before: Mapping[str, Staff],
                     effective: dt.date) -> list[tuple[Staff, dt.date | None]]:
    """The versions already recorded from later dates, with this change carried into them: a transfer from
    15 November recorded after a raise from 1 December must not be undone on 1 December."""
    out: list[tuple[Staff, dt.date | None]] = []
    for person in updated:
        moved = {name: getattr(person, name) for name in attrs.fields_dict(Staff)
                 if getattr(person, name) != getattr(before[person.id], name)}
        for day, later in history.versions.get(person.id, ()):
            if day is not None and day > effective and (carried := attrs.evolve(later, **moved)) != later:
                out.append((carried, day))
    return out


def _reprice(store: Store, book: RuleBook, added: Sequence[Staff], updated: Sequence[Staff],
             before: Mapping[str, Staff], effective: dt.date | None, *, later: bool
             ) -> tuple[changes.ChargeDiff, cache.Later]:
    """Re-price the stores the change touches: from ``effective`` for changes (from the beginning for a
    name, hired or left date, which hold whatever the day), from the beginning where someone new joins
    (who pays for a store's events can depend on who is in it). Many people's keys are left to be priced
    after the commit (``cache.reprice_or_later``), and the roster's history is read only to price now."""
    from_date = dt.datetime.combine(effective, dt.time(), book.zone) if effective else None
    passes = []
    team_keys = store.log.team_keys()
    for people, since in ((updated, from_date), (added, None)):
        if people:
            stores = {p.store for p in people} | {before[p.id].store for p in people if p.id in before}
            passes.append((since, store.staff.ever_in(stores) | team_keys))
    cache.ensure_priced(store, book, keys={key for _, keys in passes for key in keys})  # before: what moves is ours
    diff, pending = changes.ChargeDiff(), cache.Later()
    history = None
    for since, keys in passes:
        if history is None and not (later and len(keys) > cache.CHUNK):
            history = store.staff.history()
        moved, left = cache.reprice_or_later(store, book, keys=keys, since=since, roster=history, later=later)
        diff, pending = diff + moved, pending + left
    return diff, pending


def _refuse_closed(store: Store, effective: dt.date) -> None:
    latest = store.months.latest()
    if latest is not None and f"{effective:%Y-%m}" <= latest:
        first_open = payroll.month_bounds(payroll.next_month(latest))[0]
        raise DisciplineError(say("effective_closed", effective=effective, in_month=f"{effective:%Y-%m}", latest=latest,
                                  what=say("a_change"), first=first_open))


def field_changes(before: Staff, after: Staff) -> list[FieldChange]:
    """The fields that differ, as the roster writes them."""
    old, new = _row(before), _row(after)
    return [FieldChange(after.id, name, old[name], new[name]) for name in FIELDS if old[name] != new[name]]


def _row(person: Staff) -> dict[str, str]:
    """A person as a roster row (money with two decimals, dates ISO, clock yes/no)."""

    def text(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, Decimal):
            return f"{value:.2f}"
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)

    return {"id": person.id, "name": person.name, "store": person.store, "team": person.team, "role": person.role,
            "supervisor": text(person.supervisor), "base_wage": text(person.base_wage), "bonus": text(person.bonus),
            "shift": text(person.shift), "city": text(person.city), "hired": text(person.hired),
            "left": text(person.left), "clock": "yes" if person.clock else "no", "pin": text(person.pin)}


def _csv(rows: Sequence[Mapping[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows([{column: row.get(column, "") for column in COLUMNS} for row in rows])
    return out.getvalue()


def versions_of(store: Store, staff_id: str) -> list[dict[str, object]]:
    """A person's versions as recorded, for ``staff history``."""
    return store.staff.recorded(store.staff.known(staff_id))
