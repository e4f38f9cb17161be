"""The project's back-office form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ledger.forms import SlugFromNameForm

from . import stages
from .stages import Stage


class ProjectAdminForm(SlugFromNameForm):
    """The project form: the stage table speaks in it (the help text says where the project may go;
    the door's ``ProjectRules`` refusals appear next to the fields concerned)."""

    milestone_note = forms.CharField(
        label=_("阶段变更说明"), required=False, max_length=300,
        help_text=_("阶段变更时记入项目节点的说明，可留空。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "stage" in self.fields and self.instance.pk:
            allowed = stages.STAGE_RULES[self.instance.stage].allowed_next
            self.fields["stage"].help_text = (
                _("当前为“%(stage)s”，可变更为：%(next)s。")
                % {"stage": self.instance.get_stage_display(), "next": "、".join(str(Stage(s).label) for s in allowed)}
                if allowed
                else _("当前为“%(stage)s”，已不能再变更阶段。") % {"stage": self.instance.get_stage_display()}
            )

    def write_options(self) -> dict:
        return {"milestone_note": self.cleaned_data.get("milestone_note", "")}
