"""One project's page in the back office (项目工作页): everything people did about it, newest first.

The timeline merges, in a fixed number of queries whatever their number (one per source): visits
and interactions, the 督办 items' own history (created, in progress, each 蓝→黄→红 escalation,
resolved) and their follow-ups, tasks, evidence files, revisions and their decisions, the project's
history entries and the public's enquiries (投资意向). Each source keeps its newest ``PER_SOURCE``;
the page shows them merged. The stage checklist says what each next stage still needs
(``projects.stages``). Staff only: nothing here reaches a public page.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ledger.models import ReviewStatus, Revision, RevisionStatus
from ledger.people import display_name
from projects.models import InvestmentInterest, Project, ProjectMilestone
from projects.stages import MAIN_PATH, REVIEWER, STAGE_RULES, Stage

from .models import EvidenceDocument, Interaction, SupervisionFollowUp, SupervisionItem, Task

#: The newest entries of each source the page shows (the lists of each kind hold the rest).
PER_SOURCE = 50


class EntryKind(models.TextChoices):
    VISIT = "visit", gettext_lazy("走访对接")
    SUPERVISION = "supervision", gettext_lazy("督办")
    TASK = "task", gettext_lazy("任务")
    EVIDENCE = "evidence", gettext_lazy("佐证材料")
    REVISION = "revision", gettext_lazy("修订与审核")
    HISTORY = "history", gettext_lazy("修改记录")
    ENQUIRY = "enquiry", gettext_lazy("投资意向")


@dataclass
class Entry:
    when: datetime.datetime
    kind: str
    title: str
    detail: str = ""
    who: str = ""
    url: str = ""
    tone: str = ""  # "warning" for a return or an escalation

    @property
    def kind_label(self) -> str:
        return str(EntryKind(self.kind).label)


@dataclass
class ChecklistRow:
    stage: str
    label: str
    missing: list[str]
    by_reviewer: bool


@dataclass
class ProjectPage:
    project: Project
    entries: list[Entry]
    kind: str
    checklist: list[ChecklistRow]
    returned_reason: str = ""
    counts: dict[str, int] = field(default_factory=dict)


def _change(record: models.Model) -> str:
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])


def _visits(project: Project) -> list[Entry]:
    rows = (Interaction.objects.filter(project=project).select_related("recorded_by")
            .order_by("-created_at", "-id")[:PER_SOURCE])
    return [Entry(when=row.created_at, kind=EntryKind.VISIT,
                  title=_("%(date)s %(kind)s") % {"date": row.occurred_on.isoformat(), "kind": row.get_kind_display()},
                  detail=row.summary + (_("（下一步：%(step)s）") % {"step": row.next_step} if row.next_step else ""),
                  who=display_name(row.recorded_by), url=_change(row)) for row in rows]


def _supervision(project: Project) -> list[Entry]:
    """Each 督办 item's history entries (its escalations among them) and its follow-ups."""
    history = SupervisionItem.history.model
    steps = (history.objects.filter(project_id=project.pk).select_related("history_user")
             .order_by("-history_date", "-history_id")[:PER_SOURCE])
    entries = [Entry(when=step.history_date, kind=EntryKind.SUPERVISION,
                     title=step.history_change_reason or (_("新建督办事项") if step.history_type == "+" else _("修改督办事项")),
                     detail=_("%(obstacle)s（%(level)s，%(status)s，期限 %(deadline)s）") % {
                         "obstacle": step.obstacle[:80], "level": step.get_level_display(),
                         "status": step.get_status_display(), "deadline": step.deadline.isoformat()},
                     who=display_name(step.history_user) if step.history_user_id else _("系统"),
                     url=reverse("admin:desk_supervisionitem_change", args=[step.id]),
                     tone="warning" if step.history_change_reason and step.history_change_reason.startswith(
                         _("逾期升级")) else "")
               for step in steps]
    follow_ups = (SupervisionFollowUp.objects.filter(item__project=project).select_related("author", "item")
                  .order_by("-created_at", "-id")[:PER_SOURCE])
    entries += [Entry(when=row.created_at, kind=EntryKind.SUPERVISION,
                      title=_("督办跟进 %(date)s") % {"date": row.date.isoformat()},
                      detail=f"{row.item.obstacle[:40]}：{row.note}", who=display_name(row.author),
                      url=reverse("admin:desk_supervisionitem_change", args=[row.item_id])) for row in follow_ups]
    return entries


def _tasks(project: Project) -> list[Entry]:
    rows = Task.objects.filter(project=project).select_related("assignee").order_by("-created_at", "-id")[:PER_SOURCE]
    entries = []
    for row in rows:
        state = _("已完成") if row.done_at else (_("期限 %(due)s") % {"due": row.due_on.isoformat()} if row.due_on
                                                 else _("无期限"))
        entries.append(Entry(when=row.created_at, kind=EntryKind.TASK, title=row.title,
                             detail=_("负责人：%(who)s · %(state)s") % {"who": display_name(row.assignee), "state": state},
                             url=_change(row)))
    return entries


def _evidence(project: Project) -> list[Entry]:
    rows = (EvidenceDocument.objects.filter(project=project).select_related("uploaded_by", "milestone")
            .order_by("-created_at", "-id")[:PER_SOURCE])
    return [Entry(when=row.created_at, kind=EntryKind.EVIDENCE, title=row.title,
                  detail=_("%(kind)s · %(type)s · %(size)s") % {
                      "kind": row.get_kind_display(), "type": file_kind(row.extension), "size": file_size(row.size)},
                  who=display_name(row.uploaded_by),
                  url=reverse("admin:desk_evidencedocument_download", args=[row.pk])) for row in rows]


def _revisions(project: Project) -> list[Entry]:
    content_type = ContentType.objects.get_for_model(Project)
    rows = (Revision.objects.filter(content_type=content_type, object_id=project.pk)
            .select_related("author", "decided_by").order_by("-created_at", "-pk")[:PER_SOURCE])
    entries = []
    for row in rows:
        entries.append(Entry(when=row.created_at, kind=EntryKind.REVISION, title=_("提交修订"),
                             detail=row.reason, who=display_name(row.author)))
        if row.decided_at is not None:
            returned = row.status == RevisionStatus.RETURNED
            entries.append(Entry(
                when=row.decided_at, kind=EntryKind.REVISION,
                title=_("修订被退回") if returned else _("修订已通过"),
                detail=row.decision_comment, who=display_name(row.decided_by), tone="warning" if returned else ""))
    return entries


def _history(project: Project) -> list[Entry]:
    rows = (Project.history.filter(id=project.pk).select_related("history_user")
            .order_by("-history_date", "-history_id")[:PER_SOURCE])
    return [Entry(when=row.history_date, kind=EntryKind.HISTORY,
                  title=row.history_change_reason or (_("新建") if row.history_type == "+" else _("修改")),
                  who=display_name(row.history_user) if row.history_user_id else _("系统"),
                  tone="warning" if (row.history_change_reason or "").startswith(_("退回修改")) else "")
            for row in rows]


def _enquiries(project: Project) -> list[Entry]:
    rows = InvestmentInterest.objects.filter(project=project).order_by("-created_at", "-id")[:PER_SOURCE]
    return [Entry(when=row.created_at, kind=EntryKind.ENQUIRY,
                  title=_("投资意向：%(organisation)s") % {"organisation": row.organisation},
                  detail=row.get_status_display(), url=_change(row)) for row in rows]


SOURCES = {
    EntryKind.VISIT: _visits, EntryKind.SUPERVISION: _supervision, EntryKind.TASK: _tasks,
    EntryKind.EVIDENCE: _evidence, EntryKind.REVISION: _revisions, EntryKind.HISTORY: _history,
    EntryKind.ENQUIRY: _enquiries,
}


def file_kind(extension: str) -> str:
    """What people call a file by its stored extension: PDF 文档, JPG 图片, Word 文档…"""
    return {"pdf": _("PDF 文档"), "jpg": _("JPG 图片"), "png": _("PNG 图片"), "docx": _("Word 文档"),
            "xlsx": _("Excel 表格")}.get(extension, extension.upper())


def file_size(size: int) -> str:
    """A size as people read it: 820 字节, 12.4 KB, 3.1 MB."""
    if size < 1024:
        return _("%(n)d 字节") % {"n": size}
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def checklist(project: Project, *, investors: int) -> list[ChecklistRow]:
    """For each next stage on the main path (and 已竣工 from 已开工): the required fields still empty."""
    rule = STAGE_RULES.get(project.stage)
    if rule is None:
        return []
    rows = []
    for stage, role in rule.allowed_next.items():
        if stage not in MAIN_PATH and stage != Stage.COMPLETED:
            continue  # 暂停/终止 need nothing filled in
        missing = []
        for name in STAGE_RULES[stage].required_fields:
            filled = investors > 0 if name == "investors" else getattr(project, name, None) not in (None, "")
            if not filled:
                missing.append(str(Project._meta.get_field(name).verbose_name))
        rows.append(ChecklistRow(stage=stage, label=str(Stage(stage).label), missing=missing,
                                 by_reviewer=role == REVIEWER))
    return rows


def page_projects() -> models.QuerySet[Project]:
    """The project as its page reads it (one query): officer, sector, zone and the number of investors."""
    return Project.objects.select_related("officer", "sector", "zone").annotate(investor_count=models.Count("investors"))


def project_page(*, project: Project, kind: str = "") -> ProjectPage:
    """The project's timeline (all kinds, or one) and its checklist: one query per source shown
    (``project`` as ``page_projects`` reads it, or any project: its investors are counted then)."""
    if not hasattr(project, "investor_count"):
        project = page_projects().get(pk=project.pk)
    kinds = [kind] if kind in EntryKind.values else list(SOURCES)
    entries: list[Entry] = []
    for name in kinds:
        entries.extend(SOURCES[name](project))
    entries.sort(key=lambda entry: entry.when, reverse=True)
    reason = ""
    if project.review_status == ReviewStatus.RETURNED:
        reason = project.review_comment
    else:
        reason = next((e.detail for e in entries if e.kind == EntryKind.REVISION and e.tone == "warning"), "")
    return ProjectPage(project=project, entries=entries, kind=kind if kind in EntryKind.values else "",
                       checklist=checklist(project, investors=project.investor_count), returned_reason=reason)


def project_milestones(project: Project) -> models.QuerySet[ProjectMilestone]:
    return ProjectMilestone.objects.filter(project=project).order_by("date", "id")
