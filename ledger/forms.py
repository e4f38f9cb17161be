"""Back-office form building blocks: model errors about fields a form does not show stay visible,
and a blank slug is generated from the name."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.utils.translation import gettext_lazy as _


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
    """The slug may be left blank: the write door gives a blank slug the unique pinyin of the name
    (``ledger.writes.ensure_slug``) before it validates, so the "slug not empty" and "slug unique"
    rules never surface as errors the office worker did not cause."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _("公开网址中使用的英文标识；留空则按名称自动生成拼音。")
