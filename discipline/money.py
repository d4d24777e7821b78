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


def parse_decimal(text: str | int | Decimal, *, what: str) -> Decimal:
    """Read a number typed by a person or written in a file; ``ValueError`` names ``what``.

    Refuses floats' special values (NaN, infinity) and exponents too large to be money.
    """
    if isinstance(text, bool):
        raise ValueError(f"{what} must be a number, not {text!r}")
    try:
        value = Decimal(str(text).strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"{what} must be a number such as 20 or 1.50, not {text!r}") from None
    if not value.is_finite():
        raise ValueError(f"{what} must be a finite number, not {text!r}")
    if abs(value) >= Decimal("1e12"):
        raise ValueError(f"{what} is too large: {text!r}")
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
