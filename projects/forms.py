"""Back-office forms: a blank slug is generated from the name, and the stage table speaks in the form."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.utils.translation import gettext_lazy as _

from . import services, stages
from .models import Project
from .slugs import unique_slug
from .stages import Stage


class AdminModelForm(forms.ModelForm):
    """A model form that shows a model error about a field it does not display as a form-wide message.

    Django raises ``ValueError`` (a 500) when ``Model.clean()`` names a field the form leaves out,
    e.g. a tabular inline without the ``project`` column; here the message is kept, prefixed
    with the field's label.
    """

    def _update_errors(self, errors):
        if hasattr(errors, "error_dict"):
            remapped: dict[str, list] = {}
            for field, messages in errors.error_dict.items():
                if field == NON_FIELD_ERRORS or field in self.fields:
                    remapped.setdefault(field, []).extend(messages)
                    continue
                try:
                    label = self._meta.model._meta.get_field(field).verbose_name
                except FieldDoesNotExist:
                    label = field
                for message in messages:
                    for text in message.messages:
                        remapped.setdefault(NON_FIELD_ERRORS, []).append(
                            ValidationError("%(label)s：%(message)s", params={"label": label, "message": text})
                        )
            errors = ValidationError(remapped)
        super()._update_errors(errors)


class SlugFromNameForm(AdminModelForm):
    """A blank slug becomes the unique pinyin slug of the record's name.

    The slug is filled in ``clean()``, before the model is validated, so the "slug not empty"
    and "slug unique" rules never surface as errors the office worker did not cause.
    """

    slug_source_field = "name"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _("公开网址中使用的英文标识；留空则按名称自动生成拼音。")

    def clean(self):
        cleaned_data = super().clean()
        source = cleaned_data.get(self.slug_source_field)
        if "slug" in self.fields and not cleaned_data.get("slug") and source:
            model = self._meta.model
            cleaned_data["slug"] = unique_slug(
                model, str(source), exclude_pk=self.instance.pk, max_length=model._meta.get_field("slug").max_length
            )
        return cleaned_data


class ProjectAdminForm(SlugFromNameForm):
    """The project form applies the stage table, so its refusals appear next to the fields concerned."""

    milestone_note = forms.CharField(
        label=_("阶段变更说明"), required=False, max_length=300,
        help_text=_("阶段变更时记入项目节点的说明，可留空。"),
    )
    # Set by the ModelAdmin on the form class it builds for each request.
    current_user = None

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

    def clean(self):
        cleaned_data = super().clean()
        stage = cleaned_data.get("stage")
        if not stage:
            return cleaned_data
        old_stage = self.instance.stage if self.instance.pk else None
        probe = Project(pk=self.instance.pk, stage=stage)
        investors = cleaned_data.get("investors") if "investors" in self.fields else None
        if "investors" in self.fields and "investors" not in cleaned_data:
            investors = None  # the field itself failed; its own error is already shown.
        errors = services.project_stage_errors(project=probe, investors=investors, old_stage=old_stage)
        if old_stage != stage and not services.user_may_set_stage(
            user=self.current_user, stage=stage, old_stage=old_stage
        ):
            errors.setdefault("stage", []).append(
                _("您没有权限将项目设为“%(stage)s”。") % {"stage": probe.get_stage_display()}
            )
        for field, messages in errors.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
        return cleaned_data
