"""Template helpers for the public site: English names with a Chinese fallback, money and dates."""

import datetime
from decimal import Decimal
from urllib.parse import urlencode

from django import template
from django.utils.html import format_html_join
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from ..models import DatePrecision, format_date
from ..money import format_money

register = template.Library()

ENGLISH_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def is_english() -> bool:
    return (get_language() or "").startswith("en")


@register.filter
def localized(obj, field: str = "name") -> str:
    """``obj.<field>_en`` when the page is in English and staff entered it, else ``obj.<field>``."""
    if obj is None:
        return ""
    if is_english():
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, field, "") or ""


def format_money_en(amount_wan: Decimal | None, *, empty: str = "—") -> str:
    """``1766000`` (万元) -> ``CNY 17.66 billion``; ``3500`` -> ``CNY 35 million``."""
    if amount_wan is None:
        return empty
    yuan = amount_wan * 10_000
    for size, word in ((Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million")):
        if abs(yuan) >= size:
            amount = (yuan / size).quantize(Decimal("0.01")).normalize()
            return f"CNY {amount:,f} {word}"
    return f"CNY {yuan.quantize(Decimal('1')):,f}"


@register.filter
def money(amount_wan: Decimal | None) -> str:
    """An amount stored in 万元, in the reader's language; "—" when not published."""
    if amount_wan is None:
        return _("未公布")
    return format_money_en(amount_wan) if is_english() else format_money(amount_wan)


@register.filter
def signed_amount(results) -> str:
    """The signed amount of a set of projects (``signed_investment_wan`` and ``without_amount``):
    ``3 亿元``, ``3 亿元（2 个项目未公布）`` or ``未公布`` — never 0 for amounts nobody published."""
    amount, missing = results.signed_investment_wan, getattr(results, "without_amount", 0)
    if amount is None:
        return _("未公布") if missing or not getattr(results, "signed_projects", 0) else money(amount)
    if missing:
        return ngettext("%(amount)s（%(count)d 个项目未公布）", "%(amount)s（%(count)d 个项目未公布）", missing) % {
            "amount": money(amount), "count": missing}
    return money(amount)


@register.filter
def yi(amount_wan: Decimal | None) -> str:
    """An amount in 亿元 (or billions of yuan in English), for headline figures; 未公布 when not published."""
    if amount_wan is None:
        return _("未公布")
    if is_english():
        billions = (amount_wan / 100_000).quantize(Decimal("0.01")).normalize()
        return f"{billions:,f}"
    return f"{(amount_wan / 10_000).quantize(Decimal('0.01')).normalize():,f}"


def format_date_en(value: datetime.date | None, precision: str = DatePrecision.DAY) -> str:
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return f"{ENGLISH_MONTHS[value.month - 1]} {value.year}"
    return f"{value.day} {ENGLISH_MONTHS[value.month - 1]} {value.year}"


@register.filter
def precise_date(value: datetime.date | None, precision: str = DatePrecision.DAY) -> str:
    """A date no more precisely than the source gave it (``2025年`` / ``2025``)."""
    return format_date_en(value, precision) if is_english() else format_date(value, precision)


@register.filter
def percent(value) -> str:
    if value is None:
        return "—"
    return f"{value}%"


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (None or "" removes one), for links."""
    request = context["request"]
    params = request.GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value not in (None, ""):
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def list_url(base: str, **params) -> str:
    """``base`` with a query string built from the non-empty params."""
    query = urlencode({key: value for key, value in params.items() if value not in (None, "")})
    return f"{base}?{query}" if query else base


@register.filter
def is_selected(values, value) -> bool:
    """Whether ``value`` is among the submitted ``values`` (a list of strings)."""
    return str(value) in (values or [])


@register.simple_tag
def select_options(items, selected="") -> str:
    """The ``<option>`` elements of a filter menu: each item's slug as value, its localized name as label.

    One Python loop instead of a ``{% for %}`` block: a menu grows with the ledger (signing events),
    and the template engine costs tens of microseconds per option and request. ``items`` have
    ``slug``, ``name``, ``name_en`` and optionally ``indent`` (``selectors.MenuItem``).
    """
    selected = selected or ""
    rows = [
        (item.slug, " selected" if item.slug == selected else "", getattr(item, "indent", ""), localized(item))
        for item in items
    ]
    return format_html_join("", '<option value="{}"{}>{}{}</option>', rows)
