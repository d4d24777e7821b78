"""A month's statements and payroll files, read from the store.

A closed month comes from its frozen statements and export bytes, never a replay. An open month is
built from the charges cache (``cache.py``), starting from what the month before carried out
(``carried_into``), plus the adjustments posted into it by changes to closed months
(``adjustments.py``)::

    statements = month_statements(store, table, "2026-11")
    data = b"".join(payroll_export(store, table, "2026-11", "json"))
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal

from . import engine, payroll
from .cache import ensure_priced, fingerprint
from .model import DisciplineError, Line, RuleBook, RuleTable, RuleVersion, Staff, StaffHistory, Statement
from .storage import Store
from .wording import say

#: The payroll files a closed month freezes, byte for byte.
PAYROLL_FORMATS = ("csv", "html", "json")
#: Every form a payroll is written in: the frozen ones, the Excel workbook and the terminal's table (both made
#: from a closed month's frozen statements).
EXPORT_FORMATS = (*PAYROLL_FORMATS, "xlsx", "text")


def posted_lines(store: Store, month: str, staff: str | None = None) -> dict[tuple[str, str], list[Line]]:
    """The adjustments posted into ``month`` (closed months' changes: ``adjustments.py``) as its lines."""
    out: dict[tuple[str, str], list[Line]] = defaultdict(list)
    for staff_id, text in store.adjustments.posted(month, staff=staff):
        out[(staff_id, month)].append(payroll.line_from_json(json.loads(text)))
    return out


def month_statements(store: Store, table: RuleTable | RuleBook, month: str, *, staff: str | None = None,
                     remember: bool = True) -> list[Statement]:
    """Everyone's (or one person's) statement for ``month``: frozen if closed, else from the priced log.

    The replay starts from what the month before carried out (``carried_into``). Each month is stated
    with the people as they were on its last day (their wage caps it) and the settings of the rule
    version then in force; a statement names the versions that priced it. ``remember=False`` (a
    what-if) writes nothing, not even those balances.
    """
    book = RuleBook.single(table)
    closed = store.months.closed()
    if month in closed:
        frozen = [payroll.from_json(item) for item in store.months.statements(month) or []]
        return [s for s in frozen if staff is None or s.staff_id == staff]
    latest = max(closed, default=None)
    if latest is not None and month < latest:  # never closed, but behind a closed month: its events are paid later
        raise DisciplineError(say("never_closed", month=month, latest=latest, next=payroll.next_month(latest)))
    if store.charges.fingerprint() != fingerprint(book) or store.charges.any_stale():  # price and read in one, so a
        if store.writing:  # month that cannot be stated (say, no minimum wage) leaves the cache as it was
            ensure_priced(store, book)  # (``close`` reads inside its own)
        else:  # (inside ``Store.read`` this raises ``NeedsWrite``: the command runs again in a write)
            with store.write():
                ensure_priced(store, book)
                return month_statements(store, book, month, staff=staff, remember=remember)
    earlier = [m for m in closed if m < month]
    people = store.staff.history() if staff is None else store.staff.history([staff])
    opening = carried_into(store, book, month, people, closed=earlier[-1] if earlier else None, staff=staff,
                           remember=remember)
    first, last = payroll.month_bounds(month)
    versions_of = None
    if book.stored:
        in_month = book.in_force(first, last)
        origins = store.adjustments.origin_months(month)
        plain = _labels(book, in_month, ())

        def versions_of(staff_id: str) -> tuple[tuple[int, dt.date | None, str], ...]:
            return _labels(book, in_month, origins[staff_id]) if staff_id in origins else plain

    return payroll.statements(month, tallies=payroll.stored_tallies(store.charges.month(month, staff=staff), month),
                              roster=people, table=book, frozen={}, posted=posted_lines(store, month, staff),
                              opening=opening, first_month=month, versions_of=versions_of)


#: Up to this many people, ``statements_of`` states each alone rather than the whole chain's month.
FEW = 200


def statements_of(store: Store, table: RuleTable | RuleBook, month: str, ids: Iterable[str]) -> list[Statement]:
    """The statements of these people only, as ``month_statements`` gives them: a store's fifteen people are
    stated one by one (a chain's month takes seconds and hundreds of megabytes), a closed month's read from
    its frozen statements once."""
    wanted = set(ids)
    if month in store.months.closed():
        return [payroll.from_json(item) for item in store.months.statements(month) or []
                if item["staff_id"] in wanted]
    if len(wanted) > FEW:
        return [s for s in month_statements(store, table, month) if s.staff_id in wanted]
    return [s for staff_id in sorted(wanted) for s in month_statements(store, table, month, staff=staff_id)]


def of_stores(store: Store, table: RuleTable | RuleBook, month: str, stores: Sequence[str],
              history: StaffHistory | None = None) -> list[Statement]:
    """The statements of the people of these stores (each person's store on the month's last day), by
    ``statements_of``."""
    if month in store.months.closed():  # the stores as they were frozen
        return [payroll.from_json(item) for item in store.months.statements(month) or [] if item["store"] in stores]
    history = history or store.staff.history()
    _, last = payroll.month_bounds(month)
    ids = [p.id for p in history.at(last).values() if p.store in stores]
    return [s for s in statements_of(store, table, month, ids) if s.store in stores]


def _labels(book: RuleBook, in_month: Sequence[RuleVersion], origins: Iterable[str]
            ) -> tuple[tuple[int, dt.date | None, str], ...]:
    """(number, effective, short SHA-256) of the versions that priced a statement: those in force in its
    month, and those of the closed months whose adjustments it carries."""
    versions = {v.number: v for v in in_month}
    for month in origins:
        first, last = payroll.month_bounds(month)
        versions.update((v.number, v) for v in book.in_force(first, last))
    return tuple((v.number, v.effective, v.short) for _, v in sorted(versions.items()))


def carried_into(store: Store, table: RuleTable | RuleBook, month: str, roster: Mapping[str, Staff] | StaffHistory,
                 *, closed: str | None, staff: str | None, remember: bool, use_kept: bool = True) -> dict[str, Decimal]:
    """What each person carries into the open ``month``, ``closed`` being the latest closed month before it.

    It starts from the latest month whose balances were kept (``store.charges.open_balances``), else
    from ``closed``; the open months in between hand on only their balances, from integer-fen sums
    (``payroll.carry_forward``) without building their statements. Everyone's balances of the month
    before ``month`` are then kept, read and written in one transaction, so that no change slips in
    between.
    """
    kept = store.charges.open_balances(closed, month, staff) if use_kept else None
    start, opening = kept if kept else (closed, store.months.balances(closed, staff) if closed else {})
    first = payroll.next_month(start) if start else min(store.charges.first_month() or month, month)
    if first >= month:
        return opening
    keep = remember and staff is None
    if keep and not store.writing:  # (inside ``Store.read`` this raises ``NeedsWrite``: run again in a write)
        with store.write():
            return carried_into(store, table, month, roster, closed=closed, staff=staff, remember=remember)
    book, people = RuleBook.single(table), StaffHistory.single(roster)
    previous = payroll.months_between(first, month)[:-1]
    carried = opening
    for each in previous:  # a month at a time: a chain's year of sums is not held in memory at once
        _, last = payroll.month_bounds(each)
        versioned = book.at(last)
        totals = store.charges.month_totals(each, staff=staff, with_points=versioned.settings.point_value != 0)
        totals = _with_posted(totals, store.adjustments.month_totals(each), staff)
        carried = payroll.carry_forward(each, totals, people.at(last), versioned, carried)
    if keep:
        store.charges.keep_open_balances(previous[-1], carried)
    return carried


def audit_open_balances(store: Store, table: RuleTable | RuleBook) -> list[str]:
    """The balances kept for open months must be what replaying those months from the log gives."""
    if store.charges.fingerprint() != fingerprint(table):
        return []  # whatever reads them next re-prices the log first, which forgets them
    closed = max(store.months.closed(), default=None)
    roster = store.staff.history()
    for month in store.charges.kept_open_months():
        if closed is not None and month <= closed:
            continue  # older than the latest closed month: never read again
        _, kept = store.charges.open_balances(closed, payroll.next_month(month)) or (month, {})
        fresh = carried_into(store, table, payroll.next_month(month), roster, closed=closed, staff=None,
                             remember=False, use_kept=False)
        wrong = sorted(name for name in {*kept, *fresh} if kept.get(name, 0) != fresh.get(name, 0))
        if wrong:
            return [f"the balance kept for {wrong[0]} at the end of {month} is not what the log gives: the "
                    f"open_balances table was edited behind the program's back ({len(wrong)} person(s) affected)"]
    return []


def _with_posted(totals: payroll.Totals, posted: payroll.Totals, staff: str | None) -> payroll.Totals:
    """A month's sums with the adjustments posted into it added."""
    if staff is not None:
        posted = {name: sums for name, sums in posted.items() if name == staff}
    if not posted:
        return totals
    out = {staff_id: (dict(sums), points) for staff_id, (sums, points) in totals.items()}
    for staff_id, (sums, points) in posted.items():
        mine, total = out.setdefault(staff_id, ({}, Decimal(0)))
        for kind, amount in sums.items():
            mine[kind] = mine.get(kind, Decimal(0)) + amount
        out[staff_id] = (mine, total + points)
    return out


def replay_statements(store: Store, table: RuleTable | RuleBook, month: str) -> list[Statement]:
    """The month replayed in memory from the whole log under ``table``, closed months ignored.

    For a what-if under a proposed table; it writes nothing and uses no cache.
    """
    people = store.staff.history()
    priced = engine.price(store.log.events(), table, people)
    return payroll.statements(month, charges=priced.charges, roster=people, table=table, frozen={})


def pricing_problems(store: Store, table: RuleTable | RuleBook, month: str) -> list[tuple[int, str]]:
    """Events of ``month`` that could not be priced (they cost nothing until fixed), one sentence each."""
    first, last = payroll.month_bounds(month)
    tz = table.zone
    return store.charges.problems(dt.datetime.combine(first, dt.time(), tz),
                                  dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tz))


def render_payroll(month: str, statements: Sequence[Statement], table: RuleTable, fmt: str, head: str = "") -> bytes:
    return b"".join(payroll_chunks(month, statements, table, fmt, head))


def payroll_chunks(month: str, statements: Sequence[Statement], table: RuleTable, fmt: str,
                   head: str = "", language: str = "both") -> Iterator[bytes]:
    """The payroll file in pieces: a chain's JSON is written a statement at a time, never whole in memory.

    ``head`` (``Store.chain_head``, given for a closed month's files) is printed on it: in JSON as each
    statement's ``chain_head``. The HTML is in ``language`` (the CSV's header and the JSON's keys are fixed).
    People whose cap could not be computed (no minimum wage known for their city that month) come first."""
    statements = sorted(statements, key=lambda s: s.cap_not_computed is None)
    if fmt == "xlsx":
        from . import workbooks

        yield workbooks.payroll_xlsx(month, statements, table, head)
    elif fmt in ("csv", "html", "text"):
        from . import reports  # Jinja and the templates: not for the JSON a chain's payroll system reads

        yield (reports.payroll_csv(statements, table, head) if fmt == "csv"
               else reports.payroll_html(month, statements, table, head, language).encode("utf-8") if fmt == "html"
               else reports.payroll_text(month, statements, table, language).encode("utf-8"))
    elif not statements:
        yield b"[]\n"
    else:  # one statement per line: readable, and json's C encoder (indent= falls back to pure Python)
        tail = f', "chain_head": {json.dumps(head)}}}' if head else "}"
        for index, statement in enumerate(statements):
            yield ("[\n" if index == 0 else ",\n").encode("utf-8")
            yield (payroll.dumps(statement)[:-1] + tail).encode("utf-8")
        yield b"\n]\n"


def payroll_export(store: Store, table: RuleTable | RuleBook, month: str, fmt: str,
                   language: str = "both", stores: Sequence[str] = ()) -> Iterator[bytes]:
    """The payroll file of ``month`` (the HTML and text in ``language``), of every store or of ``stores``.

    A closed month's whole CSV, HTML or JSON is the exact bytes stored when it was closed; its other forms,
    and any of them for some stores, are made from its frozen statements with the chain head it was closed
    with printed on them."""
    closed = month in store.months.closed()
    frozen = store.months.export(month, fmt) if fmt in PAYROLL_FORMATS and closed and not stores else None
    if frozen is not None:
        return iter([frozen if isinstance(frozen, bytes) else frozen.encode("utf-8")])
    statements = [s for s in month_statements(store, table, month) if not stores or s.store in stores]
    return payroll_chunks(month, statements, table_of(table, month), fmt, frozen_head(store, month) if closed
                          else "", language=language)  # open: no head


def frozen_head(store: Store, month: str) -> str:
    """The chain head a closed month's files were printed with (its frozen JSON holds it on each statement)."""
    text = store.months.export(month, "json")
    lines = (text.decode("utf-8") if isinstance(text, bytes) else text or "").split("\n", 2)
    if len(lines) < 2 or not lines[1].startswith("{"):
        return ""
    return str(json.loads(lines[1].rstrip(",")).get("chain_head", ""))


def table_of(table: RuleTable | RuleBook, month: str) -> RuleTable:
    """The version in force on the month's last day: its names and settings state the month."""
    return RuleBook.single(table).at(payroll.month_bounds(month)[1])
