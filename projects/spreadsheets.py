"""Which resource imports what, reading an uploaded file, and the downloadable templates."""

from ambassadors.resources import AmbassadorResource, LeadResource

from .ledger_files import read_upload
from .resources import EnterpriseResource, ProjectResource

RESOURCES = {
    "projects": ProjectResource,
    "enterprises": EnterpriseResource,
    "ambassadors": AmbassadorResource,
    "leads": LeadResource,
}


def read_dataset(data: bytes, filename: str):
    """A tablib Dataset from XLSX or CSV bytes (UTF-8 with or without BOM, or GBK/GB18030);
    ``ledger_files.UnreadableFile`` says in Chinese why a file cannot be read."""
    return read_upload(data, filename)


def template_dataset(kind: str):
    """The empty template for ``kind``: the import columns, in order, Chinese headers."""
    resource = RESOURCES[kind]()
    return resource.export(queryset=resource._meta.model.objects.none())
