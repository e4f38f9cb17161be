"""Which resource imports what, reading an uploaded file, and the downloadable templates.

The domain apps' import resources are named in the settings (``LEDGER_IMPORT_RESOURCES``: kind ->
dotted path), so the core knows them without importing a domain app.
"""

from django.conf import settings
from django.utils.module_loading import import_string
from import_export.formats.base_formats import CSV, XLSX


def resource_class(kind: str) -> type:
    """The import resource for ``kind`` (``projects``, ``enterprises``, ...); KeyError when unknown."""
    return import_string(settings.LEDGER_IMPORT_RESOURCES[kind])


def resource_kinds() -> list[str]:
    return list(settings.LEDGER_IMPORT_RESOURCES)


def read_dataset(data: bytes, filename: str):
    """A tablib Dataset from XLSX or CSV bytes (CSV may carry Excel's UTF-8 BOM)."""
    if filename.lower().endswith(".csv"):
        text = data.decode("utf-8-sig")
        return CSV().create_dataset(text)
    return XLSX().create_dataset(data)


def template_dataset(kind: str):
    """The empty template for ``kind``: the import columns, in order, Chinese headers."""
    resource = resource_class(kind)()
    return resource.export(queryset=resource._meta.model.objects.none())
