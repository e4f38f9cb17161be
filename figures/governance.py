"""The announced figures at the write door (``ledger.writes.register_governed``): shown on the
public home page; the staff note is internal."""

from ledger.writes import register_governed

from .models import AnnouncedFigure


def register() -> None:
    """Called from ``FiguresConfig.ready``."""
    register_governed(AnnouncedFigure, internal=("staff_note",))
