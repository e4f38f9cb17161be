"""
Charts drawn on the server as inline SVG: readable without JavaScript, no request leaves the site,
and allowed by a Content-Security-Policy without 'unsafe-inline' (colours come from classes in the
static stylesheet; geometry from SVG attributes).

Each chart links every bar to the list it summarises, and the page also shows the same numbers as
a table, so the figures reach screen-reader users and can be copied.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

CHART_WIDTH = 640
ROW_HEIGHT = 44
BAR_HEIGHT = 18
LABEL_GAP = 16
MIN_BAR_WIDTH = 2


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | int
    value_text: str
    url: str


def _scale(value: Decimal | int, largest: Decimal | int, width: int) -> int:
    if not largest or not value or value <= 0:
        return MIN_BAR_WIDTH
    return max(MIN_BAR_WIDTH, int(Decimal(value) / Decimal(largest) * width))


def _svg(*, chart_id: str, title: str, description: str, height: int, body: SafeString, css_class: str) -> SafeString:
    return format_html(
        '<svg class="chart {css_class}" viewBox="0 0 {width} {height}" width="100%" role="img" '
        'aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{description}</desc>{body}</svg>',
        css_class=css_class, width=CHART_WIDTH, height=height, id=chart_id, title=title,
        description=description, body=body,
    )


def bar_chart(*, chart_id: str, title: str, description: str, bars: Sequence[Bar]) -> SafeString:
    """Horizontal bars, label above each bar and the value at its end."""
    largest = max((bar.value for bar in bars), default=0)
    value_room = 150
    rows = []
    for index, bar in enumerate(bars):
        top = index * ROW_HEIGHT
        width = _scale(bar.value, largest, CHART_WIDTH - value_room)
        rows.append(
            (
                bar.url, bar.label, bar.value_text,
                top + LABEL_GAP - 2, bar.label,
                top + LABEL_GAP + 4, width, BAR_HEIGHT,
                width + 8, top + LABEL_GAP + 4 + BAR_HEIGHT - 4, bar.value_text,
            )
        )
    body = format_html_join(
        "",
        '<a href="{}"><title>{} · {}</title>'
        '<text class="chart-label" x="0" y="{}">{}</text>'
        '<rect class="chart-bar" x="0" y="{}" width="{}" height="{}" rx="3"></rect>'
        '<text class="chart-value" x="{}" y="{}">{}</text></a>',
        rows,
    )
    height = max(ROW_HEIGHT, len(bars) * ROW_HEIGHT)
    return _svg(chart_id=chart_id, title=title, description=description, height=height, body=body,
                css_class="chart-bars")


def funnel_chart(*, chart_id: str, title: str, description: str, bars: Sequence[Bar]) -> SafeString:
    """Centred bars narrowing stage by stage, each labelled "stage · count"."""
    largest = max((bar.value for bar in bars), default=0)
    rows = []
    for index, bar in enumerate(bars):
        top = index * ROW_HEIGHT
        width = _scale(bar.value, largest, CHART_WIDTH)
        rows.append(
            (
                bar.url, bar.label, bar.value_text,
                (CHART_WIDTH - width) // 2, top + 2, width, ROW_HEIGHT - 8,
                CHART_WIDTH // 2, top + ROW_HEIGHT // 2 + 3, bar.label, bar.value_text,
            )
        )
    body = format_html_join(
        "",
        '<a href="{}"><title>{} · {}</title>'
        '<rect class="chart-funnel-step" x="{}" y="{}" width="{}" height="{}" rx="4"></rect>'
        '<text class="chart-funnel-label" x="{}" y="{}" text-anchor="middle">{} · {}</text></a>',
        rows,
    )
    height = max(ROW_HEIGHT, len(bars) * ROW_HEIGHT)
    return _svg(chart_id=chart_id, title=title, description=description, height=height, body=body,
                css_class="chart-funnel")
