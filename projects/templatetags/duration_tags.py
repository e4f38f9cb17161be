"""``{{ delta|duration }}``: a timedelta as people say it ("1 小时 30 分钟"), not "1:30:00"."""

import datetime

from django import template
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def duration(value) -> str:
    if not isinstance(value, datetime.timedelta):
        return ""
    minutes = max(int(value.total_seconds() // 60), 0)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(count)d 小时", "%(count)d 小时", hours) % {"count": hours})
    if minutes or not hours:
        parts.append(ngettext("%(count)d 分钟", "%(count)d 分钟", minutes) % {"count": minutes})
    return " ".join(parts)
