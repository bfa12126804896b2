"""The range of values the hub accepts anywhere a person types them (forms, API, imports): dates between
1950 and 2100, and only finite numbers. Far dates (9999-12-31) overflow every date sum a page does, and
NaN or infinity cannot be compared, summed or stored."""
from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel.speaklater import LazyString

FIRST_DAY, LAST_DAY = date(1950, 1, 1), date(2100, 12, 31)


def check_day(errors: dict[str, list[str]], field: str, label: LazyString, value: date | None) -> None:
    """Add an error naming ``label`` (e.g. "End date") when ``value`` lies outside 1950–2100."""
    if value is not None and not FIRST_DAY <= value <= LAST_DAY:
        errors.setdefault(field, []).append(_("%(field)s must lie between %(first)d and %(last)d.", field=label,
                                              first=FIRST_DAY.year, last=LAST_DAY.year))


def check_finite(errors: dict[str, list[str]], field: str, label: LazyString, value: Decimal | float | None) -> bool:
    """Add an error naming ``label`` when ``value`` is NaN or infinite; whether the value is usable."""
    if value is None or (value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)):
        return True
    errors.setdefault(field, []).append(_("%(field)s must be a number.", field=label))
    return False


def in_range(value: date | None) -> date | None:
    """A stored date as pages can use it: dates outside 1950–2100 (stored before they were refused) are clamped."""
    if value is None:
        return None
    return min(max(value, FIRST_DAY), LAST_DAY)
