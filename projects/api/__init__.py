"""REST API v1 (read-only): serializers, view sets and routes for the ledger."""
