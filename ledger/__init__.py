"""The ledger core: generic machinery shared by the domain apps (see ``ledger.apps``)."""
