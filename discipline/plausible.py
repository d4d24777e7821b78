"""Amounts too large to be meant: a slip of the keyboard must not be carried forward for ever.

A loss typed as ``999999999999`` was once accepted; the legal cap deducts a little of it each month and
carries the rest into the next, so the slip never goes away. An amount a person types beyond a limit
is therefore refused unless the command is given ``--confirm`` (the amount is real)::

    discipline log C01 vehicle.damage --loss 999999999999
    Error: --loss 999999999999.00 yuan is more than one year's wage of C01 (60000.00 yuan); if the amount
    is real, give the command again with --confirm

The limits, from the ``[settings]`` of the rule table in force on the day:

- a value or a loss (``--value``, ``--loss``, the ``value`` and ``loss`` columns of an events file):
  ``plausible_amount_limit`` yuan; unset, one year's wage (12 × (base_wage + bonus)) of the person it is
  logged against, or ``AMOUNT`` yuan when that is not known (a violation of ``team:T``, a wage of 0);
- a monthly wage (base_wage + bonus) recorded by ``staff import``, ``set`` or ``add``:
  ``plausible_wage_limit`` yuan; unset, ``WAGE``. Only a wage that changes is checked.

Nothing at or above ``money.TOO_LARGE`` is money at all, ``--confirm`` or not.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from .model import Event, RuleTable, Staff
from .money import yuan
from .wording import Said, say

#: The limit for a value or loss when the rule table sets none and the person's wage is not known.
AMOUNT = Decimal(100_000)
#: The limit for a monthly wage (base + bonus) when the rule table sets none.
WAGE = Decimal(100_000)


def amount_limit(table: RuleTable, person: Staff | None) -> tuple[Decimal, Said]:
    """The largest value or loss accepted without ``--confirm``, and what it is, in words."""
    if table.settings.plausible_amount_limit is not None:
        return table.settings.plausible_amount_limit, say("table_amount_limit")
    if person is not None and person.base_wage + person.bonus > 0:
        return 12 * (person.base_wage + person.bonus), say("year_of_wage", staff=person.id)
    return AMOUNT, say("no_wage_limit")


def event_problem(event: Event, table: RuleTable, roster: Mapping[str, Staff], *, option: bool) -> Said | None:
    """Why ``event``'s value or loss needs ``--confirm``, or None. ``roster`` is the people on the event's
    day; ``option`` names ``--loss`` (typed on the command line) rather than the ``loss`` column."""
    for name in ("value", "loss"):
        amount = getattr(event, name)
        if amount is None:
            continue
        limit, what = amount_limit(table, roster.get(event.staff))
        if amount > limit:
            label = f"--{name}" if option else name
            return say("implausible", label=label, amount=yuan(amount), what=what, limit=yuan(limit))
    return None


def wage_problem(person: Staff, table: RuleTable, before: Staff | None) -> Said | None:
    """Why ``person``'s monthly wage needs ``--confirm``, or None (also when it is what it was ``before``)."""
    wage = person.base_wage + person.bonus
    if before is not None and before.base_wage + before.bonus == wage:
        return None
    limit = table.settings.plausible_wage_limit
    limit, what = (limit, say("table_wage_limit")) if limit is not None else (WAGE, say("wage_limit"))
    if wage > limit:
        return say("wage_implausible", id=person.id, wage=yuan(wage), what=what, limit=yuan(limit))
    return None
