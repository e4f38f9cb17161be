"""The 历史 page as people read it: field names, choice labels, 未填 for empty, local time to the
minute, the reason or nothing, who in their own name (``ledger.history.describe_changes``)."""

from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from .history import describe_changes


class ReadableHistoryAdmin(SimpleHistoryAdmin):
    """``SimpleHistoryAdmin`` whose history list shows each version's changes with labels, not raw values."""

    object_history_list_template = "simple_history/object_history_list.html"

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        records = list(historical_records)  # newest first
        for newer, older in zip(records, records[1:], strict=False):
            newer.readable_changes = describe_changes(older, newer)

    def history_view_title(self, request, obj):
        return _("“%(record)s”的修改历史") % {"record": obj}
