"""The funding-cliff timeline of a lobby brief, drawn once and rendered twice: inline SVG for the
page, PNG (Pillow, no network, no browser) for the Word document.

The layout is a list of shapes; each backend only knows how to paint a rectangle, a line and a text,
so the page and the document always show the same chart.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

from babel.dates import format_date
from markupsafe import Markup, escape
from PIL import Image, ImageDraw, ImageFont

WIDTH = 760
LABEL_WIDTH = 220
AMOUNT_WIDTH = 175
ROW_HEIGHT = 26
BAR_HEIGHT = 14
AXIS_HEIGHT = 34
FOOT_HEIGHT = 22
PNG_SCALE = 2
# A system font with the euro sign and umlauts when the machine has one; Pillow's own otherwise.
FONT_FILES = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",)

INK, MUTED, GRID, BAR, CLIFF, TODAY = "#1f2328", "#57606a", "#d0d7de", "#e3a008", "#cf222e", "#0969da"


@dataclass(frozen=True)
class ChartRow:
    label: str
    horizon: date
    amount: str


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str
    width: float = 1
    dashed: bool = False


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline
    text: str
    size: int = 11
    fill: str = INK
    anchor: str = "start"  # start | middle | end


Shape = Rect | Line | Text


@dataclass(frozen=True)
class Chart:
    title: str
    width: int
    height: int
    shapes: tuple[Shape, ...]


def _shorten(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _quarter_starts(first: date, last: date) -> list[date]:
    month = ((first.month - 1) // 3 + 1) * 3 + 1
    current = date(first.year + (month > 12), (month - 1) % 12 + 1, 1)
    starts = []
    while current <= last:
        starts.append(current)
        month = current.month + 3
        current = date(current.year + (month > 12), (month - 1) % 12 + 1, 1)
    return starts


def cliff_chart(rows: Sequence[ChartRow], *, today: date, limit: date, locale: str,
                title: str, today_label: str, limit_label: str) -> Chart:
    """One row per initiative: a bar from today to its funding cliff, the cliff in red, the amount ending."""
    first = today - timedelta(days=45)
    last = max([limit] + [r.horizon for r in rows]) + timedelta(days=45)
    span = (last - first).days
    left, right = LABEL_WIDTH, WIDTH - AMOUNT_WIDTH
    height = AXIS_HEIGHT + len(rows) * ROW_HEIGHT + FOOT_HEIGHT

    def x(day: date) -> float:
        return left + (right - left) * (day - first).days / span

    shapes: list[Shape] = []
    last_label_x = -1000.0
    for start in _quarter_starts(first, last):
        tick = x(start)
        shapes.append(Line(tick, AXIS_HEIGHT - 8, tick, height - FOOT_HEIGHT, GRID))
        if tick - last_label_x >= 62:
            shapes.append(Text(tick + 3, AXIS_HEIGHT - 12, format_date(start, "MMM yyyy", locale=locale), 10, MUTED))
            last_label_x = tick
    for row, item in enumerate(rows):
        top = AXIS_HEIGHT + row * ROW_HEIGHT
        middle = top + ROW_HEIGHT / 2
        shapes.append(Text(0, middle + 4, _shorten(item.label), 11))
        shapes.append(Rect(x(today), middle - BAR_HEIGHT / 2, max(x(item.horizon) - x(today), 1), BAR_HEIGHT, BAR))
        shapes.append(Rect(x(item.horizon) - 2, middle - BAR_HEIGHT / 2 - 3, 4, BAR_HEIGHT + 6, CLIFF))
        shapes.append(Text(WIDTH - 2, middle + 4, item.amount, 11, INK, "end"))
    bottom = height - FOOT_HEIGHT
    shapes.append(Line(x(today), AXIS_HEIGHT - 8, x(today), bottom, TODAY, 2))
    shapes.append(Text(x(today), bottom + 15, today_label, 10, TODAY, "middle"))
    shapes.append(Line(x(limit), AXIS_HEIGHT - 8, x(limit), bottom, CLIFF, 1.5, dashed=True))
    shapes.append(Text(x(limit), bottom + 15, limit_label, 10, CLIFF, "middle"))
    return Chart(title, WIDTH, height, tuple(shapes))


def to_svg(chart: Chart) -> Markup:
    parts = [
        f'<svg class="cliff-chart" role="img" viewBox="0 0 {chart.width} {chart.height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg" aria-labelledby="cliff-chart-title">',
        f'<title id="cliff-chart-title">{escape(chart.title)}</title>',
    ]
    for shape in chart.shapes:
        if isinstance(shape, Rect):
            parts.append(f'<rect x="{shape.x:.1f}" y="{shape.y:.1f}" width="{shape.w:.1f}" height="{shape.h:.1f}" '
                         f'fill="{shape.fill}"/>')
        elif isinstance(shape, Line):
            dash = ' stroke-dasharray="5 3"' if shape.dashed else ""
            parts.append(f'<line x1="{shape.x1:.1f}" y1="{shape.y1:.1f}" x2="{shape.x2:.1f}" y2="{shape.y2:.1f}" '
                         f'stroke="{shape.stroke}" stroke-width="{shape.width}"{dash}/>')
        else:
            parts.append(f'<text x="{shape.x:.1f}" y="{shape.y:.1f}" font-size="{shape.size}" fill="{shape.fill}" '
                         f'text-anchor="{shape.anchor}">{escape(shape.text)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONT_FILES:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def _dashed(draw: ImageDraw.ImageDraw, line: Line, s: int) -> None:
    """Pillow draws no dashes: paint a vertical line as 5-on, 3-off segments (the SVG's dasharray)."""
    y = line.y1
    while y < line.y2:
        draw.line([(line.x1 * s, y * s), (line.x1 * s, min(y + 5, line.y2) * s)], fill=line.stroke, width=round(line.width * s))
        y += 8


def to_png(chart: Chart) -> bytes:
    s = PNG_SCALE
    image = Image.new("RGB", (chart.width * s, chart.height * s), "white")
    draw = ImageDraw.Draw(image)
    anchors = {"start": "ls", "middle": "ms", "end": "rs"}
    for shape in chart.shapes:
        if isinstance(shape, Rect):
            draw.rectangle([shape.x * s, shape.y * s, (shape.x + shape.w) * s, (shape.y + shape.h) * s], fill=shape.fill)
        elif isinstance(shape, Line) and shape.dashed:
            _dashed(draw, shape, s)
        elif isinstance(shape, Line):
            draw.line([(shape.x1 * s, shape.y1 * s), (shape.x2 * s, shape.y2 * s)], fill=shape.stroke,
                      width=max(round(shape.width * s), 1))
        else:
            draw.text((shape.x * s, shape.y * s), shape.text, fill=shape.fill, font=_font(shape.size * s),
                      anchor=anchors[shape.anchor])
    buffer = BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
