"""What the desk plugs into the layers below it (called from ``DeskConfig.ready``): the stalled
list counts its visits and resolved 督办 items as real progress; publications and returns notify; the
project's change page links to its printable sheet; a funds entry with an evidence file counts as
verified."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ledger.admin_tools import ObjectTool, register_object_tool
from ledger.workflow import register_after_workflow
from projects.funds import register_evidence_source
from projects.models import Project
from projects.progress import register_progress_source

from . import services
from .models import EvidenceDocument, Interaction, SupervisionItem, SupervisionStatus


def latest_visit() -> models.Expression:
    """When the project's latest visit or interaction was logged."""
    return models.Subquery(
        Interaction.objects.filter(project_id=models.OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
    )


def latest_resolution() -> models.Expression:
    """When the project's latest 督办 item was resolved."""
    return models.Subquery(
        SupervisionItem.objects.filter(project_id=models.OuterRef("pk"), status=SupervisionStatus.RESOLVED)
        .order_by("-resolved_at").values("resolved_at")[:1]
    )


def funds_entry_has_evidence() -> models.Expression:
    """A funds entry with an evidence file attached is 已核实 (``projects.funds``)."""
    return models.Exists(EvidenceDocument.objects.filter(funds_entry_id=models.OuterRef("pk")))


def register() -> None:
    register_evidence_source(funds_entry_has_evidence)
    register_progress_source(latest_visit)
    register_progress_source(latest_resolution)
    register_after_workflow(services.workflow_notify)
    register_object_tool(Project, ObjectTool("admin:desk_project_page", _("项目工作页"), "project-page-link"))
    register_object_tool(Project, ObjectTool("admin:desk_project_sheet", _("打印项目情况表"), "project-sheet-link"))
