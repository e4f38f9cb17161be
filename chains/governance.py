"""The chains' public models at the write door (``ledger.writes.register_governed``), and their
internal fields (never on the public pages)."""

from ledger.writes import register_governed

from .models import Chain, ChainNode


def register() -> None:
    """Called from ``ChainsConfig.ready``."""
    register_governed(Chain, internal=("staff_note",))
    register_governed(ChainNode, internal=("staff_note",))
