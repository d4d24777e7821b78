"""The wage payable for a month worked only in part, and the minimum wage for the same part.

《工资支付暂行规定》 art. 16 caps a month's deductions at a share (20 %) of *that month's* wage, and what is
left may not fall below the minimum wage. Someone hired on the 20th, or leaving on the 6th, is paid for
part of the month: the cap is taken on that part, and the minimum wage is prorated the same way, or a
leaver paid 900 yuan for five days could lose 800 of it. How a part is paid is the table's
``proration``: ``pay_days`` (the wage ÷ ``pay_days``, 21.75, × the workdays employed, never more than
the whole wage) or ``workdays`` (÷ the month's own workdays). The hire and leaving days are workdays
employed (``Staff.employed_on``). Unpaid leave is not recorded yet, so it does not lower the part.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from . import workdays
from .model import Settings, Staff
from .money import fen


@attrs.frozen
class Payable:
    """How much of a month a person is paid for."""

    days: int | None
    """Workdays employed in the month; None when employed the whole month (nothing is prorated)."""
    of: Decimal = Decimal(1)
    """What ``days`` is divided by: ``pay_days``, or the month's workdays."""

    def part(self, amount: Decimal) -> Decimal:
        """``amount`` (a monthly wage, a minimum wage) for the part of the month employed, to the fen."""
        if self.days is None:
            return amount
        return fen(min(amount, amount * self.days / self.of))


WHOLE = Payable(None)


def payable(person: Staff, first: dt.date, last: dt.date, settings: Settings) -> Payable:
    """The part of the month ``first`` … ``last`` that ``person`` is paid for."""
    start, end = max(first, person.hired or first), min(last, person.left or last)
    if start == first and end == last:
        return WHOLE
    days = workdays.count(start, end)
    of = settings.pay_days if settings.proration == "pay_days" else Decimal(workdays.count(first, last))
    return Payable(days, of)
