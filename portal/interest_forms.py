"""The public 投资意向 form: every field validated with a Chinese message, plus a honeypot."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.models import Project, RenewalZone
from projects.models.interest import CONTACT_MAX_LENGTH, MESSAGE_MAX_LENGTH, ORGANISATION_MAX_LENGTH, PHONE_MAX_LENGTH

PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()\-]{4,28}$")
MESSAGE_MIN_LENGTH = 5
HONEYPOT = "website"


def _no_control_characters(value: str) -> str:
    if any(ord(char) < 32 and char not in "\n\r\t" for char in value):
        raise forms.ValidationError(_("含有不允许的字符。"))
    return value


class InterestForm(forms.Form):
    organisation = forms.CharField(
        label=_("单位名称"), max_length=ORGANISATION_MAX_LENGTH,
        error_messages={"required": _("请填写单位名称。"),
                        "max_length": _("单位名称最多 %(limit_value)d 个字（现有 %(show_value)d 个）。")},
    )
    contact_name = forms.CharField(
        label=_("联系人"), max_length=CONTACT_MAX_LENGTH,
        error_messages={"required": _("请填写联系人。"),
                        "max_length": _("联系人最多 %(limit_value)d 个字（现有 %(show_value)d 个）。")},
    )
    phone = forms.CharField(
        label=_("电话"), max_length=PHONE_MAX_LENGTH, required=False,
        help_text=_("手机或座机，如 027-8686 0000；电话与邮箱至少填一项。"),
        error_messages={"max_length": _("电话最多 %(limit_value)d 位（现有 %(show_value)d 位）。")},
    )
    email = forms.EmailField(
        label=_("电子邮箱"), required=False, max_length=254,
        error_messages={"invalid": _("请填写有效的电子邮箱，如 name@example.com。"),
                        "max_length": _("电子邮箱过长。")},
    )
    message = forms.CharField(
        label=_("感兴趣的内容"), max_length=MESSAGE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("例如：行业、投资规模、用地或厂房需求、希望了解的政策。"),
        error_messages={"required": _("请简单说明您感兴趣的内容。"),
                        "max_length": _("内容最多 %(limit_value)d 个字（现有 %(show_value)d 个）。")},
    )
    consent = forms.BooleanField(
        label=_("我同意青山区招商局通过以上联系方式与我联系。"),
        error_messages={"required": _("请勾选同意招商局与您联系，否则我们无法回复您。")},
    )
    project = forms.ModelChoiceField(
        queryset=Project.objects.public().select_related("officer"), to_field_name="slug", required=False, widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("所选项目不存在或未公开。")},
    )
    zone = forms.ModelChoiceField(
        queryset=RenewalZone.objects.public(), to_field_name="slug", required=False, widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("所选片区或载体不存在或未公开。")},
    )
    # Honeypot: hidden from people by the stylesheet, filled in by naive bots.
    website = forms.CharField(label=_("请勿填写此项"), required=False, max_length=200,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}-help"

    def mark_errors(self) -> None:
        """Point each invalid control at its messages (``aria-invalid``, ``aria-describedby``)."""
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = " ".join(filter(None, [f"id_{name}-errors", attrs.get("aria-describedby")]))

    def clean_organisation(self):
        return _no_control_characters(self.cleaned_data["organisation"].strip())

    def clean_contact_name(self):
        return _no_control_characters(self.cleaned_data["contact_name"].strip())

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE_RE.match(phone):
            raise forms.ValidationError(_("电话只能包含数字、空格、“+”、“-”和括号，如 027-8686 0000。"))
        return phone

    def clean_message(self):
        message = _no_control_characters(self.cleaned_data["message"].strip())
        if len(message) < MESSAGE_MIN_LENGTH:
            raise forms.ValidationError(_("请至少写 %(count)d 个字，说明您感兴趣的内容。") % {"count": MESSAGE_MIN_LENGTH})
        return message

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("phone") and not cleaned.get("email") and "phone" not in self.errors \
                and "email" not in self.errors:
            raise forms.ValidationError(_("请至少填写电话或电子邮箱中的一项，以便我们与您联系。"))
        if cleaned.get("project") and cleaned.get("zone"):
            cleaned["zone"] = None  # one subject: the project (its zone is on its page)
        return cleaned

    def is_bot(self) -> bool:
        return bool(self.data.get(HONEYPOT))
