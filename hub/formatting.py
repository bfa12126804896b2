"""Locale-aware display of dates, money and labels in templates."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import Flask
from babel import Locale
from flask_babel import format_currency, format_date, format_datetime, format_decimal, format_percent, get_locale

from hub import advice, clock, regions
from hub.events.labels import EVENT_LABELS, HIDDEN_KEYS
from hub.i18n import LANGUAGE_NAMES, LOCALES


def locale_code() -> str:
    return str(get_locale() or "en")


def money(amount: Decimal | int | float | None, currency: str = "EUR") -> str:
    """Whole amounts in the locale's own pattern: "1.234.567 €" (de), "€ 1.234.567" (nl), "€1,234,567" (en)."""
    if amount is None:
        return "—"
    pattern = Locale.parse(locale_code()).currency_formats["standard"].pattern.replace(".00", "")
    return format_currency(amount, currency, format=pattern, currency_digits=False)


def day(value: date | datetime | None, style: str = "medium") -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return format_datetime(value, style)
    return format_date(value, style)


def number(value: Decimal | int | float | None) -> str:
    return "—" if value is None else format_decimal(value)


def percent(share: Decimal | float | None) -> str:
    """A share (0–1) as a whole percentage in the locale's pattern: "83 %", "83%"."""
    return "—" if share is None else format_percent(share)


def advice_title(code: str) -> str:
    return advice.title(code, locale_code())


def region_name(code: str) -> str:
    region = regions.REGIONS.get(code)
    return f"{region.name} ({code})" if region else code


def event_label(name: str) -> str:
    return str(EVENT_LABELS.get(name, name))


def event_changes(payload: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(field, before, after) for an update; only "after" for additions, only "before" for removals.

    A creation event carries the whole record, which the page already shows, so it lists nothing.
    """
    before = payload.get("before") if isinstance(payload.get("before"), dict) else {}
    after = payload.get("after") if isinstance(payload.get("after"), dict) else {}
    if before and after:
        keys = list(after)
    elif after and "name_nl" in after:
        return []
    else:
        keys = list(after or before)
    return [(k, before.get(k), after.get(k)) for k in keys if k not in HIDDEN_KEYS]


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        money=money, day=day, number=number, percent=percent, advice_title=advice_title, region_name=region_name,
        event_label=event_label, event_changes=event_changes,
    )

    @app.context_processor
    def globals_for_templates() -> dict[str, object]:
        return {
            "locale_code": locale_code,
            "LOCALES": LOCALES,
            "LANGUAGE_NAMES": LANGUAGE_NAMES,
            "today": clock.today,
            "THEMES": advice.THEMES,
        }
