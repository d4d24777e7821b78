"""Money and points as exact decimals.

Yuan are ``Decimal`` rounded half-up to the fen; nothing here ever touches a float. Text forms
are what people and JSON see: ``"40.00"`` for money, ``"3"`` or ``"1.5"`` for points.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
ZERO = Decimal(0)


def fen(amount: Decimal) -> Decimal:
    """Round to the fen, half up (0.005 → 0.01), as payroll does."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


#: Money as people write it once read (NFKC): digits, an optional sign, commas only between groups of
#: three digits, an optional point and decimals. ASCII digits only: ``Decimal`` would also read other
#: scripts' digits and ``1_000``, which nobody types for money.
_WRITTEN = re.compile(r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?:\.[0-9]*)?")
#: Amounts at or above this are not money at all (no --confirm takes them).
TOO_LARGE = Decimal("1e12")


def parse_decimal(text: str | int | Decimal, *, what: str, money: bool = False) -> Decimal:
    """Read a number typed by a person or written in a file; ``ValueError`` names ``what`` and says what is
    allowed.

    Read, as staff type on a shop PC with a Chinese input method: full-width digits, point and comma
    (``１２３．５０`` is 123.50, read through NFKC), commas between groups of three digits (``1,234.50``)
    and, for ``money``, the unit written with it (``123元``, ``¥123``, ``￥123``).
    Refused: floats' special values (NaN, infinity), scientific notation (``1e4`` is a slip, not ten
    thousand yuan), commas anywhere else (``1,5`` is 1.5 in some places, 15 in others), underscores,
    other scripts' digits, ``。`` for a point, other units (``万``, ``角``) and numbers too large to be
    money; ``money`` refuses parts of a fen rather than rounding them one way here and another there.
    """
    if isinstance(text, bool):
        raise _refused("not_a_number", what=what, typed=repr(text))
    written = unicodedata.normalize("NFKC", str(text)).strip()
    if money:
        written = written.removeprefix("¥").removesuffix("元").strip()  # NFKC makes ￥ ¥
    if not _WRITTEN.fullmatch(written) or not any(ch.isdigit() for ch in written):
        try:
            value = Decimal(written)
        except InvalidOperation:
            value = None
        if value is not None and not value.is_finite():
            raise _refused("not_finite", what=what, typed=repr(text))
        if value is not None and "e" in written.lower():
            raise _refused("not_in_digits", what=what, typed=repr(text))
        raise _refused("not_a_number", what=what, typed=repr(text))
    value = Decimal(written.replace(",", ""))
    if abs(value) >= TOO_LARGE:
        raise _refused("too_large", what=what, typed=repr(text))
    if money and value != value.quantize(FEN):
        raise _refused("parts_of_a_fen", what=what, typed=repr(text))
    return value


def _refused(key: str, **values: object) -> ValueError:
    """A number refused, in both languages (``typed.Refused``; imported here, as the wording uses money)."""
    from .typed import Refused
    from .wording import say

    return Refused(say(key, **values))


@functools.lru_cache(maxsize=8192)
def yuan(amount: Decimal) -> str:
    """Money as text with two decimals: ``Decimal(40)`` → ``"40.00"``.

    Cached: a chain's payroll writes the same few amounts hundreds of thousands of times, and the
    text depends only on the value (equal decimals give equal text).
    """
    rounded = fen(amount)
    return f"{rounded:.2f}" if rounded else "0.00"  # never "-0.00"


@functools.lru_cache(maxsize=8192)
def number(value: Decimal) -> str:
    """Points or a multiplier as short text: ``3``, ``1.5``, ``0.5`` (cached like ``yuan``)."""
    return f"{value.normalize():f}" if value else "0"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
