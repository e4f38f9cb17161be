"""
Charts drawn on the server: readable without JavaScript, no request leaves the site, and allowed
by a Content-Security-Policy without 'unsafe-inline' (colours come from classes in the static
stylesheet; each bar's length is an SVG attribute).

A chart is an ordered list of rows. Each row's label and value are HTML text, so they keep the
page's font size on a 390 px phone (an SVG scaled to the screen shrank them to 6–7 px) and wrap
instead of being cut; each row is one link, an ordinary link that keyboard and screen-reader users
reach alike. Only the bar itself is a picture (``aria-hidden``: its length repeats the value in
the text). The page also shows the same numbers as a table, so they can be copied.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

MIN_BAR_PERCENT = Decimal("0.5")


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | int
    value_text: str
    url: str


def bar_percent(value: Decimal | int, largest: Decimal | int) -> str:
    """The bar's length as a share of the longest bar (0–100, at least a sliver so it can be seen)."""
    if not largest or not value or value <= 0:
        return str(MIN_BAR_PERCENT)
    share = (Decimal(value) * 100 / Decimal(largest)).quantize(Decimal("0.1"))
    return str(max(MIN_BAR_PERCENT, share))


def _chart(*, chart_id: str, title: str, description: str, rows: SafeString, css_class: str) -> SafeString:
    return format_html(
        '<figure class="chart {css_class}" id="{id}" aria-labelledby="{id}-title">'
        '<figcaption class="chart-caption"><span id="{id}-title" class="visually-hidden">{title}</span>'
        '{description}</figcaption><ol class="chart-rows">{rows}</ol></figure>',
        css_class=css_class, id=chart_id, title=title, description=description, rows=rows,
    )


def _rows(bars: Sequence[Bar], *, centred: bool) -> SafeString:
    largest = max((bar.value for bar in bars), default=0)
    rows = []
    for bar in bars:
        width = bar_percent(bar.value, largest)
        x = str((Decimal(100) - Decimal(width)) / 2) if centred else "0"
        rows.append((bar.url, bar.label, bar.value_text, x, width))
    return format_html_join(
        "",
        '<li class="chart-row"><a class="chart-link" href="{}"><span class="chart-label">{}</span> '
        '<span class="chart-value">{}</span></a>'
        '<svg class="chart-track" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" '
        'focusable="false"><rect class="chart-bar" x="{}" y="0" width="{}" height="10"></rect></svg></li>',
        rows,
    )


def bar_chart(*, chart_id: str, title: str, description: str, bars: Sequence[Bar]) -> SafeString:
    """Horizontal bars: label and value on a line, the bar below it, the longest bar full width."""
    return _chart(chart_id=chart_id, title=title, description=description, rows=_rows(bars, centred=False),
                  css_class="chart-bars")


def funnel_chart(*, chart_id: str, title: str, description: str, bars: Sequence[Bar]) -> SafeString:
    """Centred bars narrowing stage by stage, each with "stage · count" above it."""
    return _chart(chart_id=chart_id, title=title, description=description, rows=_rows(bars, centred=True),
                  css_class="chart-funnel")
