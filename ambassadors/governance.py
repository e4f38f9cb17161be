"""The ambassadors' public models at the write door (``ledger.writes.register_governed``), and their
internal fields (never on the public pages)."""

from ledger.writes import register_governed

from .models import Ambassador, Cohort, Lead


def register() -> None:
    """Called from ``AmbassadorsConfig.ready``."""
    register_governed(Cohort)
    register_governed(Ambassador, internal=("phone", "email", "staff_note"))
    # A published lead is listed on its ambassador's public page.
    register_governed(Lead, internal=("staff_note",))
