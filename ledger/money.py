"""Amounts are stored in 万元; people read them in 万元 or 亿元. One formatter for admin, pages and exports."""

from decimal import Decimal

from .models import WAN_PER_YI


def wan_to_yi(amount_wan: Decimal | None) -> Decimal | None:
    if amount_wan is None:
        return None
    return amount_wan / WAN_PER_YI


def format_money(amount_wan: Decimal | None, *, empty: str = "—") -> str:
    """``1766000`` -> ``176.6 亿元``; ``3500`` -> ``3,500 万元``; ``None`` -> ``—`` (not published)."""
    if amount_wan is None:
        return empty
    if abs(amount_wan) >= WAN_PER_YI:
        yi = (amount_wan / WAN_PER_YI).quantize(Decimal("0.01")).normalize()
        return f"{yi:,f} 亿元"
    wan = amount_wan.quantize(Decimal("0.01")).normalize()
    return f"{wan:,f} 万元"
