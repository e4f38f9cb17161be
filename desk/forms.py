"""The desk's admin forms: what each asks for; the services in ``desk.services`` do the writes."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.users import officer_choices
from projects.models import Project, ProjectMilestone, RenewalZone, Sector

from .files import ALLOWED_EXTENSIONS_TEXT, check_upload, max_bytes
from .models import EmailMode, EvidenceDocument, EvidenceKind, Interaction, SupervisionItem, SupervisionStatus, Task


class InteractionForm(forms.ModelForm):
    class Meta:
        model = Interaction
        fields = ("project", "occurred_on", "kind", "staff", "enterprise_participants", "summary", "next_step",
                  "next_step_due")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = officer_choices()
        self.fields["next_step_due"].help_text = _("填写下一步工作和期限后，自动为您创建一项任务。")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("next_step_due") and not cleaned.get("next_step"):
            self.add_error("next_step", _("填写了完成期限，请同时填写下一步工作。"))
        return cleaned


class SupervisionItemForm(forms.ModelForm):
    class Meta:
        model = SupervisionItem
        fields = ("project", "obstacle", "responsible_unit", "responsible_person", "owner", "deadline", "status",
                  "resolution")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = officer_choices()
        # The level only rises by the schedule (escalate_supervision); people choose open, in progress, resolved.
        self.fields["status"].choices = [
            (value, label) for value, label in SupervisionStatus.choices
            if value != SupervisionStatus.ESCALATED or (self.instance.status == SupervisionStatus.ESCALATED)
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == SupervisionStatus.RESOLVED and not (cleaned.get("resolution") or "").strip():
            self.add_error("resolution", _("办结时必须填写办结情况。"))
        return cleaned


class TaskForm(forms.ModelForm):
    class Meta:
        model = Task
        fields = ("title", "assignee", "due_on", "project", "lead", "supervision_item")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = officer_choices()


class EvidenceUploadForm(forms.ModelForm):
    upload = forms.FileField(label=_("文件"), help_text=_("允许的格式：%(allowed)s；单个文件不超过 %(limit)s MB。"))

    class Meta:
        model = EvidenceDocument
        fields = ("project", "milestone", "interaction", "funds_entry", "kind", "title")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["upload"].help_text = self.fields["upload"].help_text % {
            "allowed": ALLOWED_EXTENSIONS_TEXT, "limit": round(max_bytes() / 1024 / 1024, 1)}
        self.fields["title"].required = False
        # The milestone, visit and funds menus list the chosen project's own records only (none until
        # a project is chosen: ``?project=<id>`` in the address, or the project sent with the form).
        project_id = self.data.get(self.add_prefix("project")) or self.initial.get("project")
        project_id = getattr(project_id, "pk", project_id)
        project_id = int(project_id) if str(project_id or "").isdigit() else None
        for name in ("milestone", "interaction", "funds_entry"):
            field = self.fields.get(name)
            if field is not None:
                field.queryset = field.queryset.filter(project_id=project_id) if project_id else field.queryset.none()
        if "milestone" in self.fields:
            self.fields["milestone"].label_from_instance = milestone_label
            if project_id is None:
                self.fields["milestone"].help_text = _("先选择项目并保存，或从项目工作页上传，即可选择该项目的节点。")

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        try:
            check_upload(upload)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["file"]) from exc
        return upload

    def clean(self):
        cleaned = super().clean()
        project, milestone, interaction = cleaned.get("project"), cleaned.get("milestone"), cleaned.get("interaction")
        if project is not None and milestone is not None and milestone.project_id != project.pk:
            self.add_error("milestone", _("该节点不属于此项目。"))
        if project is not None and interaction is not None and interaction.project_id != project.pk:
            self.add_error("interaction", _("该走访记录不属于此项目。"))
        funds_entry = cleaned.get("funds_entry")
        if project is not None and funds_entry is not None and funds_entry.project_id != project.pk:
            self.add_error("funds_entry", _("该到位资金记录不属于此项目。"))
        return cleaned


def milestone_label(milestone: ProjectMilestone) -> str:
    """A milestone in a menu of one project's milestones: its stage and date (the project goes without saying)."""
    return f"{milestone.get_stage_display()} {milestone.date_display}".strip()


class ProjectVisitForm(forms.ModelForm):
    """登记走访 on the project's page: the project is the page's."""

    class Meta:
        model = Interaction
        fields = ("occurred_on", "kind", "staff", "enterprise_participants", "summary", "next_step", "next_step_due")
        widgets = {"occurred_on": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
                   "next_step_due": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
                   "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = officer_choices()
        self.fields["staff"].widget.attrs["size"] = 4
        self.fields["next_step_due"].help_text = _("填写下一步工作和期限后，自动为您创建一项任务。")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("next_step_due") and not cleaned.get("next_step"):
            self.add_error("next_step", _("填写了完成期限，请同时填写下一步工作。"))
        return cleaned


class ProjectTaskForm(forms.ModelForm):
    """新建任务 on the project's page."""

    class Meta:
        model = Task
        fields = ("title", "assignee", "due_on")
        widgets = {"due_on": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = officer_choices()


class ProjectEvidenceForm(forms.Form):
    """上传佐证材料 on the project's page: its milestones and visits only."""

    kind = forms.ChoiceField(label=_("材料类型"), choices=EvidenceKind.choices, initial=EvidenceKind.OTHER)
    title = forms.CharField(label=_("材料名称"), max_length=200, required=False)
    milestone = forms.ModelChoiceField(label=_("项目节点"), queryset=ProjectMilestone.objects.none(), required=False)
    upload = forms.FileField(label=_("文件"))

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = ProjectMilestone.objects.filter(project=project).order_by("date", "id")
        self.fields["milestone"].label_from_instance = milestone_label
        self.fields["upload"].help_text = _("允许的格式：%(allowed)s；单个文件不超过 %(limit)s MB。") % {
            "allowed": ALLOWED_EXTENSIONS_TEXT, "limit": round(max_bytes() / 1024 / 1024, 1)}

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        try:
            check_upload(upload)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["file"]) from exc
        return upload


class PreferenceForm(forms.Form):
    email_mode = forms.ChoiceField(label=_("邮件提醒"), choices=EmailMode.choices, widget=forms.RadioSelect)


class ProjectBulkEditForm(forms.Form):
    """What a bulk edit sets; a blank field is left as it is."""

    officer = forms.ModelChoiceField(label=_("招商专员"), queryset=officer_choices(), required=False)
    sector = forms.ModelChoiceField(label=_("产业领域"), queryset=Sector.objects.order_by("name"), required=False)
    zone = forms.ModelChoiceField(label=_("所在片区/载体"), queryset=RenewalZone.objects.order_by("name"),
                                  required=False)
    responsible_unit = forms.CharField(label=_("责任单位"), max_length=80, required=False)

    def changes(self) -> dict[str, object]:
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}

    def clean(self):
        cleaned = super().clean()
        if not any(value not in (None, "") for value in cleaned.values()):
            raise ValidationError(_("请至少选择一项要批量设置的内容。"))
        return cleaned


