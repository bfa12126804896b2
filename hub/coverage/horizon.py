"""Funding-horizon buckets, shared by the coverage matrix and the search facets: one rule for
"loses its funding within 12 months" everywhere."""
from __future__ import annotations

import calendar
import enum
from datetime import date

from flask_babel import lazy_gettext as _l


class HorizonBucket(enum.StrEnum):
    ENDED = "ended"
    WITHIN_12_MONTHS = "within_12_months"
    LATER = "later"
    OPEN_ENDED = "open_ended"
    UNFUNDED = "unfunded"


BUCKET_LABELS = {
    HorizonBucket.ENDED: _l("Funding has ended"),
    HorizonBucket.WITHIN_12_MONTHS: _l("Funding ends within 12 months"),
    HorizonBucket.LATER: _l("Funding runs beyond 12 months"),
    HorizonBucket.OPEN_ENDED: _l("Open-ended (structural) funding"),
    HorizonBucket.UNFUNDED: _l("No funding recorded"),
}


def one_year_after(day: date) -> date:
    """The same calendar day a year later (28 February for 29 February)."""
    year = day.year + 1
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))
