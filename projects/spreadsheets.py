"""Which resource imports what, reading an uploaded file, and the downloadable templates."""

from import_export.formats.base_formats import CSV, XLSX

from ambassadors.resources import AmbassadorResource, LeadResource

from .resources import EnterpriseResource, ProjectResource

RESOURCES = {
    "projects": ProjectResource,
    "enterprises": EnterpriseResource,
    "ambassadors": AmbassadorResource,
    "leads": LeadResource,
}


def read_dataset(data: bytes, filename: str):
    """A tablib Dataset from XLSX or CSV bytes (CSV may carry Excel's UTF-8 BOM)."""
    if filename.lower().endswith(".csv"):
        text = data.decode("utf-8-sig")
        return CSV().create_dataset(text)
    return XLSX().create_dataset(data)


def template_dataset(kind: str):
    """The empty template for ``kind``: the import columns, in order, Chinese headers."""
    resource = RESOURCES[kind]()
    return resource.export(queryset=resource._meta.model.objects.none())
