"""A refused stale save in the admin keeps the person's input and moves it onto the newest version.

When the change form was opened on version N and somebody saved version M since, the save is
refused (``ledger.writes.StaleVersionError``, raised by the door). Instead of sending the person back to retype everything,
the form is shown again with

- their own values kept in every field;
- each field the other person changed marked: if the person had left it alone, it now shows the
  other person's value (nothing of theirs is overwritten by a stale copy); if both changed it, the
  person's value stays and the message shows the other person's value next to it;
- the form moved onto version M, so saving again applies the person's edits onto the newest version.
"""

from __future__ import annotations

from django import forms
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from .history import format_changes, has_history


def _base_version(record, loaded_version: int):
    """The record as it was at the version the person loaded (from its history), or None."""
    if not has_history(type(record)):
        return None
    return (
        type(record).history.filter(**{record._meta.pk.attname: record.pk}, version__lte=loaded_version)
        .order_by("-history_date", "-history_id").first()
    )


def _as_data(field: forms.Field, value):
    """A model value as the form's submitted data would carry it."""
    if value is None:
        return ""
    if isinstance(field, forms.ModelMultipleChoiceField):
        return [str(getattr(item, "pk", item)) for item in value]
    if hasattr(value, "pk"):
        return str(value.pk)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _set_data(form: forms.Form, name: str, field: forms.Field, value) -> None:
    key = form.add_prefix(name)
    if isinstance(field, forms.BooleanField):
        if value:
            form.data[key] = "on"
        else:
            form.data.pop(key, None)
        return
    data = _as_data(field, value)
    if isinstance(data, list):
        form.data.setlist(key, data)
    else:
        form.data[key] = data


def stale_notice(stale) -> str:
    """What happened, said once and in agreement with what the form does next: not saved yet, the
    input kept (the door's own message tells an API client to reload instead)."""
    return _(
        "保存失败：此记录在您打开后已被%(editors)s修改（您打开的是第 %(loaded)s 版，当前为第 %(current)s 版），"
        "这次没有保存。对方的改动：%(changes)s。"
    ) % {"editors": getattr(stale, "editors", "") or _("他人"), "loaded": stale.loaded_version,
         "current": stale.current_version, "changes": format_changes(stale.changes) or _("（无字段变化）")}


def reapply_onto_current(form: forms.ModelForm, stale) -> None:
    """Keep the person's input, take the other person's changes where the person changed nothing,
    mark the fields both changed, and move the form onto the stored version (see the module)."""
    record = stale.record
    current = type(record)._default_manager.filter(pk=record.pk).first()
    if current is None:
        return
    base = _base_version(record, stale.loaded_version)
    form.data = form.data.copy()  # a QueryDict from the request is immutable
    taken, kept = [], []
    for change in stale.changes:
        name = change.field
        field = form.fields.get(name)
        if field is None or field.disabled:
            continue
        if isinstance(field, forms.ModelMultipleChoiceField):
            base_value = None  # the history row's sets are not the live ones: compare with the current set
            untouched = False
        else:
            base_value = model_to_dict(base.instance, fields=[name]).get(name) if base is not None else None
            untouched = base is not None and not field.has_changed(base_value, form[name].data)
        if untouched:
            _set_data(form, name, field, model_to_dict(current, fields=[name]).get(name))
            form.add_error(name, _("对方已改为“%(new)s”（您打开时是“%(old)s”，您没有改这一项）：已换成对方的值。")
                           % {"new": change.new, "old": change.old})
            taken.append(change.label)
        else:
            form.add_error(name, _("对方已改为“%(new)s”（您打开时是“%(old)s”）：这里保留的是您的填写，再次保存即以您的为准。")
                           % {"new": change.new, "old": change.old})
            kept.append(change.label)
    form.data[form.add_prefix("loaded_version")] = str(stale.current_version)
    form.add_error(None, _(
        "您的填写都已保留，并已移到最新的第 %(version)s 版上：请核对标出的字段（%(fields)s），确认后再次保存。"
    ) % {"version": stale.current_version, "fields": "、".join(kept + taken) or _("无")})
