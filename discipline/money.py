"""Money and points as exact decimals.

Yuan are ``Decimal`` rounded half-up to the fen; nothing here ever touches a float. Text forms
are what people and JSON see: ``"40.00"`` for money, ``"3"`` or ``"1.5"`` for points.
"""

from __future__ import annotations

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


def yuan(amount: Decimal) -> str:
    """Money as text with two decimals: ``Decimal(40)`` → ``"40.00"``."""
    return f"{fen(amount):.2f}"


def number(value: Decimal) -> str:
    """Points or a multiplier as short text: ``3``, ``1.5``, ``0.5``."""
    text = f"{value.normalize():f}"
    return text


def ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
