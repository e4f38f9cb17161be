"""Which resource imports what, reading an uploaded file, and the downloadable templates.

The domain apps' import resources are named in the settings (``LEDGER_IMPORT_RESOURCES``: kind ->
dotted path), so the core knows them without importing a domain app.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from .ledger_files import read_upload


def resource_class(kind: str) -> type:
    """The import resource for ``kind`` (``projects``, ``enterprises``, ...); KeyError when unknown."""
    return import_string(settings.LEDGER_IMPORT_RESOURCES[kind])


def resource_kinds() -> list[str]:
    return list(settings.LEDGER_IMPORT_RESOURCES)


def read_dataset(data: bytes, filename: str):
    """A tablib Dataset from XLSX or CSV bytes (UTF-8 with or without BOM, or GBK/GB18030);
    ``ledger_files.UnreadableFile`` says in Chinese why a file cannot be read."""
    return read_upload(data, filename)


def template_dataset(kind: str):
    """The empty template for ``kind``: the import columns, in order, Chinese headers."""
    resource = resource_class(kind)()
    return resource.export(queryset=resource._meta.model.objects.none())
