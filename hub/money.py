"""Amounts and shares as people type them, read the same way by the funding form, the API and the import.

``1.200.000``, ``1.200.000,50``, ``1,200,000.50``, ``€ 1,2 mln``, ``1.2M``, ``€ 250k`` are all clear. A single
separator followed by exactly three digits (``1.200``, ``1,200``) could be a thousands separator or a decimal
comma, so it is asked back (``AmountAmbiguous`` names both readings) rather than guessed. Negative numbers, NaN
and infinity are refused.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from babel import Locale, numbers
from flask_babel import format_currency
from flask_babel import gettext as _

from hub.formatting import locale_code

MAX_TEXT = 64
_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")
_MULTIPLIERS = {
    **dict.fromkeys(("k", "K", "dzd", "tsd", "duizend", "tausend", "thousand"), Decimal(10) ** 3),
    **dict.fromkeys(("m", "mln", "mio", "milj", "miljoen", "miljoenen", "million", "millionen", "millions"),
                    Decimal(10) ** 6),
    **dict.fromkeys(("mrd", "mld", "bn", "miljard", "miljarden", "milliarde", "milliarden", "billion", "billions"),
                    Decimal(10) ** 9),
}
_CURRENCY = re.compile(r"€|(?<![a-z])eur(?:os?)?(?![a-z])", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u202f']+")  # spaces (also non-breaking) and Swiss apostrophes group thousands
_NUMBER_AND_UNIT = re.compile(r"(?P<number>[\d.,]*\d[\d.,]*|[.,]\d+)(?P<unit>[^\W\d_]+\.?)?")
_DIGITS = re.compile(r"\d+")


class AmountError(ValueError):
    """The text is not an amount (or share); the message, translated, says why."""

    @property
    def message(self) -> str:
        return str(self.args[0])


class AmountAmbiguous(AmountError):
    """The text reads two ways; ``choices`` holds both readings as (value, label, text that says it unambiguously)."""

    def __init__(self, message: str, choices: list[tuple[Decimal, str, str]]) -> None:
        super().__init__(message)
        self.choices = choices


def parse_amount(value: Any, currency: str = "EUR") -> Decimal | None:
    """A non-negative amount from a typed text or a number (JSON, spreadsheet cell); None for an empty one."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise AmountError(_("“%(value)s” is not an amount.", value=value))
    if isinstance(value, (int, float, Decimal)):
        return _checked(Decimal(str(value)) if isinstance(value, float) else Decimal(value), str(value))
    raw = str(value).strip()
    if not raw:
        return None
    number, multiplier = _split(raw)
    readings = _readings(number, raw)
    if len(readings) == 2:
        raise _question(raw, [r * multiplier for r in readings], currency)
    amount = _checked(readings[0] * multiplier, raw)
    if amount != amount.quantize(_CENT):
        raise AmountError(_("“%(value)s” has more than two decimals; an amount goes to the cent.", value=raw))
    return amount


def parse_share(value: Any) -> Decimal | None:
    """A percentage from 0 to 100: "80%", "80 %" and "80" are eighty per cent, and so is the fraction "0,8" (or the
    number 0.8, as a spreadsheet keeps a cell formatted as a percentage). A typed "1" could be 1 % or the whole
    (100 %), so it is asked back."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise AmountError(_("“%(value)s” is not a percentage.", value=value))
    if isinstance(value, (int, float, Decimal)):
        number = parse_amount(value)
        assert number is not None
        percent, raw = number > 1, str(value)
    else:
        raw = str(value).strip()
        if not raw:
            return None
        percent = raw.endswith("%")
        try:
            number = parse_amount(raw.removesuffix("%").strip())
        except AmountAmbiguous as ambiguous:
            number = ambiguous.choices[1][0]  # the other reading, a thousand or more, cannot be a percentage
        except AmountError:
            raise AmountError(_("“%(value)s” is not a percentage.", value=raw)) from None
        if number is None:
            raise AmountError(_("“%(value)s” is not a percentage.", value=raw))
        if not percent and number == 1:
            raise AmountAmbiguous(_("Did you mean %(first)s or %(second)s?", first="1 %", second="100 %"),
                                  [(Decimal(1), "1 %", "1 %"), (_HUNDRED, "100 %", "100 %")])
        percent = percent or number > 1
    if not percent:
        number *= _HUNDRED
    if number > _HUNDRED:
        raise AmountError(_("“%(value)s” is more than 100 %%.", value=raw))
    return number


def display(value: Decimal, currency: str = "EUR") -> str:
    """An amount in the page's language, with cents only when it has them: "€ 1.200", "€ 1,20", "1.200,50 €"."""
    pattern = Locale.parse(locale_code()).currency_formats["standard"].pattern
    if value == value.to_integral_value():
        pattern = pattern.replace(".00", "")
    return format_currency(value, currency, format=pattern, currency_digits=False)


def _split(raw: str) -> tuple[str, Decimal]:
    """The number and the multiplier its unit stands for ("1,2 mln" → "1,2", a million)."""
    if len(raw) > MAX_TEXT:
        raise AmountError(_("“%(value)s” is not an amount.", value=raw[:MAX_TEXT] + "…"))
    text = _SPACES.sub("", _CURRENCY.sub("", raw))
    if text[:1] in ("-", "−") and _NUMBER_AND_UNIT.fullmatch(text[1:]):
        raise AmountError(_("An amount cannot be negative."))
    match = _NUMBER_AND_UNIT.fullmatch(text)
    if match is None:
        raise AmountError(_("“%(value)s” is not an amount; write for example 1.200.000,50 or 1,2 mln.", value=raw))
    unit = (match.group("unit") or "").rstrip(".")
    if not unit:
        return match.group("number"), Decimal(1)
    multiplier = _MULTIPLIERS.get(unit) or _MULTIPLIERS.get(unit.casefold())
    if multiplier is None:
        raise AmountError(_("“%(unit)s” is not a unit we know; write k, mln or mrd.", unit=unit))
    return match.group("number"), multiplier


def _readings(number: str, raw: str) -> list[Decimal]:
    """One value, or two when the text reads both ways (grouped thousands first)."""
    def wrong() -> AmountError:
        return AmountError(_("“%(value)s” is not an amount; write for example 1.200.000,50 or 1,2 mln.", value=raw))

    dots, commas = number.count("."), number.count(",")
    if dots and commas:
        decimal_sep = "," if number.rfind(",") > number.rfind(".") else "."
        group_sep = "." if decimal_sep == "," else ","
        whole, _sep, cents = number.rpartition(decimal_sep)
        if decimal_sep in whole or not _grouped(whole, group_sep) or not cents.isdigit():
            raise wrong()
        return [Decimal(whole.replace(group_sep, "") + "." + cents)]
    sep = "." if dots else "," if commas else ""
    if not sep:
        return [Decimal(number)]
    if number.count(sep) > 1:
        if not _grouped(number, sep):
            raise wrong()
        return [Decimal(number.replace(sep, ""))]
    whole, _sep, fraction = number.partition(sep)
    if not fraction.isdigit() or (whole and not whole.isdigit()):
        raise wrong()
    as_decimal = Decimal(f"{whole or '0'}.{fraction}")
    if len(fraction) == 3 and whole and whole[0] != "0" and len(whole) <= 3:
        return [Decimal(whole + fraction), as_decimal]
    return [as_decimal]


def _grouped(number: str, sep: str) -> bool:
    """1–3 digits, then groups of exactly three."""
    head, *groups = number.split(sep)
    return bool(_DIGITS.fullmatch(head)) and len(head) <= 3 and all(len(g) == 3 and g.isdigit() for g in groups)


def _checked(number: Decimal, raw: str) -> Decimal:
    if not number.is_finite():
        raise AmountError(_("“%(value)s” is not an amount.", value=raw))
    if number < 0:
        raise AmountError(_("An amount cannot be negative."))
    return number


def _question(raw: str, readings: list[Decimal], currency: str) -> AmountAmbiguous:
    """"Did you mean € 1.200 or € 1,20?", each reading offered again in a spelling that cannot be misread."""
    choices = [(value, display(value, currency), _unambiguous(value)) for value in readings]
    return AmountAmbiguous(_("Did you mean %(first)s or %(second)s?", first=choices[0][1], second=choices[1][1]),
                           choices)


def typed(value: Decimal | None, *, share: bool = False) -> str:
    """A stored value as a form shows it for editing, in a spelling that reads back the same: "1.200,00" (nl),
    "1,200.00" (en), "12,5 %"."""
    if value is None:
        return ""
    if share:
        return numbers.format_decimal(value, format="0.##", locale=locale_code()) + " %"
    return numbers.format_decimal(value, format="#,##0.00", locale=locale_code())


def _unambiguous(value: Decimal) -> str:
    """How to type a value so that it reads one way only: 1200 without grouping, 1,20 with two decimals."""
    if value == value.to_integral_value():
        return str(int(value))
    return numbers.format_decimal(value, format="0.00######", locale=locale_code(), decimal_quantization=False)
