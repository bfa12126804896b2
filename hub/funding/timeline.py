"""The funding timeline on an initiative's page: one bar per stream, today and the cliff marked.

Rendered on the server as inline SVG so it works without JavaScript and prints in briefs.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from babel.dates import format_date
from flask_babel import gettext as _
from markupsafe import Markup, escape

from hub import clock
from hub.funding.horizon import funding_horizon
from hub.funding.models import FundingKind, FundingStream
from hub.limits import in_range

WIDTH = 760
LABEL_WIDTH = 220
BAR_HEIGHT = 22
ROW_GAP = 10
AXIS_HEIGHT = 28


def timeline_svg(streams: Sequence[FundingStream], locale: str, today: date | None = None) -> Markup:
    if not streams:
        return Markup("")
    today = today or clock.today()
    horizon = funding_horizon(streams)
    # Plotted within 1950–2100, so a far date stored before such dates were refused cannot overflow the axis.
    starts = [in_range(s.start_date) or today for s in streams]
    ends = [in_range(s.end_date) for s in streams if s.end_date]
    first = min(*starts, today)
    open_end = max([*ends, today]) + timedelta(days=365)
    last = max([*ends, today + timedelta(days=180)])
    last = open_end if any(s.end_date is None for s in streams) else last + timedelta(days=60)
    span = max((last - first).days, 1)
    plot_width = WIDTH - LABEL_WIDTH - 10

    def x(day: date) -> float:
        return LABEL_WIDTH + plot_width * (min(max(day, first), last) - first).days / span

    height = AXIS_HEIGHT + len(streams) * (BAR_HEIGHT + ROW_GAP) + 10
    # Translated up front: gettext calls inside f-strings are invisible to message extraction.
    title_text, today_text, cliff_text = _("Funding timeline"), _("today"), _("funding cliff")
    open_ended_text, estimate_text = _("open-ended"), _("estimate")
    parts = [
        f'<svg class="timeline" role="img" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg" aria-labelledby="timeline-title">',
        f'<title id="timeline-title">{escape(title_text)}</title>',
    ]
    for year in range(first.year + 1, last.year + 1):
        tick = x(date(year, 1, 1))
        parts.append(f'<line x1="{tick:.1f}" y1="{AXIS_HEIGHT - 6}" x2="{tick:.1f}" y2="{height}" stroke="#d0d7de"/>')
        parts.append(f'<text x="{tick + 3:.1f}" y="{AXIS_HEIGHT - 10}" font-size="11" fill="#57606a">{year}</text>')
    for row, stream in enumerate(streams):
        top = AXIS_HEIGHT + row * (BAR_HEIGHT + ROW_GAP)
        end = stream.end_date or last
        colour = "#2f6f4f" if stream.kind == FundingKind.STRUCTURAL else "#c77c02"
        label = stream.funder.name if stream.funder else "?"
        period = f"{format_date(stream.start_date, 'medium', locale=locale)} – " + (
            format_date(stream.end_date, "medium", locale=locale) if stream.end_date else open_ended_text
        )
        estimate = f" ({estimate_text})" if stream.end_date_estimated or stream.amount_estimated else ""
        parts.append(
            f'<g class="stream"><title>{escape(label)}: {escape(period)}{escape(estimate)}</title>'
            f'<text x="0" y="{top + 15}" font-size="12" fill="#24292f">{escape(label[:32])}</text>'
            f'<rect x="{x(stream.start_date):.1f}" y="{top}" width="{max(x(end) - x(stream.start_date), 2):.1f}" '
            f'height="{BAR_HEIGHT}" rx="3" fill="{colour}"'
            + (' fill-opacity="0.55" stroke-dasharray="4 2" stroke="#24292f"' if stream.end_date_estimated else "")
            + "/></g>"
        )
    parts.append(
        f'<line class="today" x1="{x(today):.1f}" y1="{AXIS_HEIGHT - 6}" x2="{x(today):.1f}" y2="{height}" '
        f'stroke="#0969da" stroke-width="2"/>'
        f'<text x="{x(today) + 3:.1f}" y="{height - 2}" font-size="11" fill="#0969da">{escape(today_text)}</text>'
    )
    if horizon is not None:
        parts.append(
            f'<line class="cliff" x1="{x(horizon):.1f}" y1="{AXIS_HEIGHT - 6}" x2="{x(horizon):.1f}" y2="{height}" '
            f'stroke="#cf222e" stroke-width="2" stroke-dasharray="6 3"/>'
            f'<text x="{x(horizon) - 3:.1f}" y="{AXIS_HEIGHT - 10}" font-size="11" fill="#cf222e" text-anchor="end">'
            f'{escape(cliff_text)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
