"""Rule-table versions: what priced a month is on record, whatever file lies in the working folder.

Under 《劳动合同法》 art. 4 a rule that touches pay applies once it is made known to staff (公示),
and from then on. So the table is published into the database, whole, with the date it takes
effect, and every event is priced by the version in force on its local date (``RuleBook.at``)::

    discipline rules publish rules.toml --effective 2026-12-01 --by "HR 王"
    discipline rules versions
    discipline rules diff 1 2

Payroll, scorecards, ``log``, ``close`` and ``verify`` read the stored versions only, so the same
database prices the same from any folder. ``init`` publishes the table it is given as version 1,
from the beginning. A version may not take effect inside a closed month (a closed month never
changes), nor sooner than ``notice_days`` after it is published unless ``--retroactive``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Callable, Sequence

import attrs

from . import cache, engine, payroll
from .model import DisciplineError, RuleBook, RuleTable, RuleVersion
from .rules import amount_words, load_text
from .storage import Store
from .wording import Said, joined, say


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def book(store: Store) -> RuleBook:
    """The stored versions; a database without any has not been through ``init`` since versions came."""
    rows = store.versions.all()
    if not rows:
        raise DisciplineError(say("no_rule_table", path=str(store.path)))
    return RuleBook(tuple(RuleVersion(number=row["number"], effective=row["effective"], published=row["published"],
                                      by=row["by"], sha256=row["sha256"], text=row["text"],
                                      parse=lambda text, n=row["number"]: load_text(text, f"rule version {n}"))
                          for row in rows))


def current(store: Store, table: RuleTable | RuleBook) -> RuleBook:
    """``table`` as the book to price with, read again when a version was published since it was read.

    Call first thing inside ``write()``: a command reads the versions when it starts, and another may
    publish one while it waits for the lock; inside the lock nothing can come in between. A table at hand
    (a test's, a what-if's) is not the database's and is taken as it is.
    """
    given = RuleBook.single(table)
    if not given.stored or store.versions.latest_number() == given.latest.number:
        return given
    return book(store)


def follow(table: RuleTable | RuleBook) -> Callable[[Store], RuleBook]:
    """``current`` for ``table``, as work in steps asks for it: each step prices with the book then in force."""
    return lambda store: current(store, table)


def first(store: Store, text: str, *, name: str, now: dt.datetime) -> RuleVersion | None:
    """Publish ``text`` as version 1 of a database that has none (``init``); None when it has versions.

    A database from before versions was priced with some table, which its charges cache still shows:
    a table at hand that prices a sample of its events otherwise is refused, rather than silently
    re-pricing every open month with a table the company never used.
    """
    if store.versions.all():
        return None
    table = load_text(text, name)
    keys = store.charges.keys()[:500]
    if keys and store.charges.rows(keys):
        people = store.staff.history()
        fresh = Counter((row[3], row[1], row[7], row[9]) for row in cache.charge_rows(
            engine.price(store.log.events_of(keys, since=None), table, people).charges, table))
        held = Counter((row[3], row[1], row[7], row[9]) for row in store.charges.rows(keys))
        wrong = sorted((held - fresh) + (fresh - held))
        if wrong:
            event_id = wrong[0][0]
            was = sum(row[3] for row in held.elements() if row[0] == event_id)
            would = sum(row[3] for row in fresh.elements() if row[0] == event_id)
            raise DisciplineError(say("priced_otherwise", name=name, event=event_id, was=f"{was / 100:.2f}",
                                      would=f"{would / 100:.2f}"))
    return publish(store, text, name=name, effective=None, published=now.date(), by=None, retroactive=False,
                   now=now).version


@attrs.frozen
class Published:
    version: RuleVersion
    previous: RuleVersion | None
    """The version in force the day before it takes effect (None for the first)."""
    already: bool = False
    """The table is the version in force on that day already: nothing was published."""


def publish(store: Store, text: str, *, name: str, effective: dt.date | None, published: dt.date, by: str | None,
            retroactive: bool, now: dt.datetime) -> Published:
    """Check a table and store it as the next version, effective from ``effective``; re-price what it reaches.

    Refused, with nothing stored: a table with problems (every one listed), a time zone other than
    the versions before, an effective date inside or before a closed month, or sooner than the
    published date plus ``notice_days`` (of the version in force) without ``retroactive``.
    """
    done = _publish(store, text, name=name, effective=effective, published=published, by=by, retroactive=retroactive,
                    now=now)
    cache.settle_all(store, book)  # every key from the effective day on, a few thousand per transaction
    return done


def _publish(store: Store, text: str, *, name: str, effective: dt.date | None, published: dt.date, by: str | None,
             retroactive: bool, now: dt.datetime) -> Published:
    table = load_text(text, name)  # RulesError lists every problem
    digest = sha256(text)
    with store.write():
        rows = store.versions.all()
        if not rows:  # the first version prices from the beginning
            store.versions.add(effective=None, published=published, by=by, sha256=digest, text=text,
                               recorded_at=now)
            return Published(book(store).versions[0], None)
        current = book(store)
        if effective is None:
            raise DisciplineError(say("needs_effective"))
        if published > now.date():
            raise DisciplineError(say("published_future", published=published, today=f"{now:%Y-%m-%d}"))
        later = [v for v in current.versions if v.number > 1 and v.published > published]
        if later:
            raise DisciplineError(say("published_order", published=published, version=later[-1].number,
                                      before=later[-1].published))
        in_force = current.version_at(effective)
        if in_force.sha256 == digest:
            return Published(in_force, None, already=True)
        gaps = _cannot_price(store, table, effective, current)
        if gaps:
            raise DisciplineError(say("cannot_price", effective=effective, gaps=joined(gaps, "；", "; ")))
        cache.ensure_priced(store, current, keys=())  # what came before the new version stays as the old ones price it
        if table.settings.timezone != current.versions[0].table.settings.timezone:
            raise DisciplineError(say("other_zone", zone=table.settings.timezone,
                                      stores=current.versions[0].table.settings.timezone))
        month_level = _month_level_changes(current.version_at(effective - dt.timedelta(days=1)).table, table)
        if month_level and effective.day != 1:
            first = payroll.month_bounds(payroll.next_month(f"{effective:%Y-%m}"))[0]
            raise DisciplineError(say("month_level", names=joined(month_level), first=first,
                                      first_of=effective.replace(day=1)))
        latest_closed = store.months.latest()
        if latest_closed is not None and f"{effective:%Y-%m}" <= latest_closed:
            raise DisciplineError(say("effective_closed", effective=effective, in_month=f"{effective:%Y-%m}",
                                      latest=latest_closed, what=say("a_version"),
                                      first=payroll.month_bounds(payroll.next_month(latest_closed))[0]))
        notice = current.version_at(published).table.settings.notice_days
        earliest = published + dt.timedelta(days=notice)
        if effective < earliest and not retroactive:
            raise DisciplineError(say("too_soon", effective=effective, days=notice, published=published,
                                      earliest=earliest))
        number = store.versions.add(effective=effective, published=published, by=by, sha256=digest, text=text,
                                    recorded_at=now)
        updated = book(store)
        since = dt.datetime.combine(effective, dt.time(), updated.zone)
        cache.reprice_from(store, updated, since)
        version = next(v for v in updated.versions if v.number == number)
        return Published(version, current.version_at(effective - dt.timedelta(days=1)))


def _cannot_price(store: Store, table: RuleTable, effective: dt.date, current: RuleBook) -> list[Said]:
    """What events and roster rows from ``effective`` on (until a version already published to start
    later) the table would leave without a price: rules they use, roles and shifts people hold, cities
    without a minimum wage."""
    later = [v.effective for v in current.versions if v.effective is not None and v.effective > effective]
    until = min(later) if later else None
    zone = current.zone
    since = dt.datetime.combine(effective, dt.time(), zone)
    end = dt.datetime.combine(until, dt.time(), zone) if until else None
    gaps = [say("rule_gone", code=code, count=count, events="events" if count > 1 else "event")
            for code, count in store.log.rules_used(since, end) if not table.has_rule(code)]
    history = store.staff.history()
    days = [effective, *sorted(d for d in history.changes if d > effective and (until is None or d < until))]
    people = {p.id: p for day in days for p in history.at(day).values()
              if p.left is None or p.left >= effective}
    roles, shifts = set(table.role_keys()), {shift.name for shift in table.shifts}
    gaps += [say("role_gone", role=role, ids=joined(Said.same(i) for i in sorted(
                 p.id for p in people.values() if p.role == role)[:5]))
             for role in sorted({p.role for p in people.values()} - roles)]
    gaps += [say("shift_gone", shift=shift) for shift in sorted({p.shift for p in people.values() if p.shift} - shifts)]
    return gaps


#: Settings a month's statement applies to the whole month (what is deducted or only listed, the price
#: of a point, the score, the cap's share): a version changing them starts on the first of a month.
MONTH_LEVEL = ("fines", "point_value", "base_score", "max_deduction_ratio", "proration")


def _month_level_changes(old: RuleTable, new: RuleTable) -> list[Said]:
    changed = [Said.same(name) for name in MONTH_LEVEL if getattr(old.settings, name) != getattr(new.settings, name)]
    return changed + ([say("rating_bands")] if old.bands != new.bands else [])


@attrs.frozen
class RuleChange:
    """One difference between two versions."""

    code: str
    what: str
    """``added``, ``removed`` or ``changed``."""
    before: str
    """The amount in words (empty when added)."""
    after: str


def diff(old: RuleTable, new: RuleTable) -> list[RuleChange]:
    """Rules added, removed and changed (their amount in words, or anything else about them) from one
    table to the other, by code."""
    before = {rule.code: rule for rule in old.rules}
    after = {rule.code: rule for rule in new.rules}
    out = []
    for code in sorted(before.keys() | after.keys()):
        if code not in before:
            out.append(RuleChange(code, "added", "", amount_words(after[code], new)))
        elif code not in after:
            out.append(RuleChange(code, "removed", amount_words(before[code], old), ""))
        else:
            was, now = amount_words(before[code], old), amount_words(after[code], new)
            if was != now or attrs.evolve(before[code], line=0) != attrs.evolve(after[code], line=0):
                out.append(RuleChange(code, "changed", was, now))
    return out


def summary(changes: Sequence[RuleChange], old: RuleTable | None = None, new: RuleTable | None = None) -> str:
    """``+2 rules, 1 removed, 3 amounts changed`` (and ``settings changed``, ``shifts changed``)."""
    added = sum(1 for c in changes if c.what == "added")
    removed = sum(1 for c in changes if c.what == "removed")
    amounts = sum(1 for c in changes if c.what == "changed" and c.before != c.after)
    other = sum(1 for c in changes if c.what == "changed" and c.before == c.after)
    parts = [f"+{added} rule{'s' if added != 1 else ''}"] if added else []
    parts += [f"{removed} removed"] if removed else []
    parts += [f"{amounts} amount{'s' if amounts != 1 else ''} changed"] if amounts else []
    parts += [f"{other} rule{'s' if other != 1 else ''} reworded"] if other else []
    if old is not None and new is not None:
        parts += ["settings changed"] if old.settings != new.settings else []
        parts += ["shifts changed"] if old.shifts != new.shifts else []
        parts += ["minimum wages changed"] if old.minimum_wages != new.minimum_wages else []
    return ", ".join(parts) or "no change"
