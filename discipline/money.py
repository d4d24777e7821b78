"""Money and points as exact decimals.

Yuan are ``Decimal`` rounded half-up to the fen; nothing here ever touches a float. Text forms
are what people and JSON see: ``"40.00"`` for money, ``"3"`` or ``"1.5"`` for points.
"""

from __future__ import annotations

import functools
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
ZERO = Decimal(0)


def fen(amount: Decimal) -> Decimal:
    """Round to the fen, half up (0.005 → 0.01), as payroll does."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def parse_decimal(text: str | int | Decimal, *, what: str, money: bool = False) -> Decimal:
    """Read a number typed by a person or written in a file; ``ValueError`` names ``what``.

    Refuses floats' special values (NaN, infinity), scientific notation (``1e4`` is a slip, not ten
    thousand yuan) and numbers too large to be money; ``money`` refuses parts of a fen rather than
    rounding them one way here and another there.
    """
    if isinstance(text, bool):
        raise ValueError(f"{what} must be a number, not {text!r}")
    written = str(text).strip().replace(",", "")
    try:
        value = Decimal(written)
    except InvalidOperation:
        raise ValueError(f"{what} must be a number such as 20 or 1.50, not {text!r}") from None
    if not value.is_finite():
        raise ValueError(f"{what} must be a finite number, not {text!r}")
    if "e" in written.lower():
        raise ValueError(f"{what} must be written out in digits, like 10000, not {text!r}")
    if abs(value) >= Decimal("1e12"):
        raise ValueError(f"{what} is too large: {text!r}")
    if money and value != value.quantize(FEN):
        raise ValueError(f"{what} {text!r} has parts of a fen; give yuan with at most two decimals")
    return value


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
