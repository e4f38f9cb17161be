"""A refusal that comes while the admin saves, shown on the form it came from.

Most refusals are found while the form validates: a ledger form prepares its write at the door
(``ledger.admin.DoorFormMixin``: permission, lock, version, the model's and the domain's rules), and
the desk's forms hold the rules their records hold. What a service refuses only as it writes — a
write that follows the record's (the task a visit's next step creates, a follow-up on a 督办 item
resolved meanwhile), a row changed since the form was read, a constraint only the database knows —
would otherwise escape ``save_model``, ``save_related`` or ``save_formset`` as an exception: a 500,
and the typed input lost.

``RefusalFormAdminMixin`` (on every ledger and desk ModelAdmin) catches such a refusal once the form
has validated. The change form's transaction is rolled back, so nothing is written (the record, its
inlines, their history, a task or notice that would have followed), messages queued on the way are
dropped, and the page is rendered again from the same POST with the refusal on the form: next to
its field when the form has that field, above the form otherwise (``refusals_on_form``; the ledger's
admins use it for a history version's revert form too). ``ValidationError`` and ``PermissionDenied`` carry their own Chinese sentence; an
``IntegrityError`` (a database constraint met after all) gets a general one and is logged.
"""

from __future__ import annotations

import logging

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

REFUSALS = (ValidationError, PermissionDenied, IntegrityError)
_REFUSED = "_admin_save_refused"  # request attribute: the refusal met by the first pass
_SAVING = "_admin_saving"  # request attribute: the form validated, the admin is writing


def refusal_messages(exc: Exception) -> dict[str | None, list[str]]:
    """``exc`` as form errors: field name (None: the whole form) → messages."""
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return {None if field == NON_FIELD_ERRORS else field: ValidationError(errors).messages
                    for field, errors in exc.error_dict.items()}
        return {None: exc.messages}
    if isinstance(exc, PermissionDenied):
        return {getattr(exc, "field", None): [str(exc) or _("您没有权限进行此操作。")]}
    return {None: [_("保存失败：这次修改与数据库中已有的记录冲突（可能他人刚刚保存了相同的内容），"
                     "没有写入任何数据。请检查后重新提交。")]}


def show_refusal(form: forms.BaseForm, exc: Exception) -> None:
    """Add the refusal ``exc`` to the validated ``form`` (next to its fields where the form has them)."""
    for field, errors in refusal_messages(exc).items():
        form.add_error(field if field in form.fields else None, errors)


def refused_form(form_class: type[forms.BaseForm], exc: Exception) -> type[forms.BaseForm]:
    """``form_class`` whose validation ends with the refusal ``exc``: the bound form is never valid."""

    class RefusedForm(form_class):
        def full_clean(self):
            super().full_clean()
            if self.is_bound:
                show_refusal(self, exc)

    RefusedForm.__name__ = RefusedForm.__qualname__ = form_class.__name__
    return RefusedForm


class RefusalFormAdminMixin:
    """For a ModelAdmin whose saves call services that may refuse (see the module).

    Put it before ``admin.ModelAdmin`` in the bases. A subclass that overrides ``save_form`` calls
    ``super()``: that is where the admin starts writing.
    """

    def save_form(self, request, form, change):
        request.__dict__[_SAVING] = True
        return super().save_form(request, form, change)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        refusal = request.__dict__.get(_REFUSED)
        return form if refusal is None else refused_form(form, refusal)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Django runs the change form in a transaction of its own: a refusal escaping it undid it all.
        return self.refusals_on_form(super().changeform_view, request, object_id, form_url, extra_context)

    def refusals_on_form(self, view, request, *args):
        """Call ``view(request, *args)``; a refusal while it writes renders it again with the refusal
        on its form. ``view`` must write in a transaction of its own (rolled back by the refusal)."""
        if request.method != "POST" or _REFUSED in request.__dict__:
            return view(request, *args)
        storage = getattr(request, "_messages", None)
        queued = list(getattr(storage, "_queued_messages", ()))
        try:
            return view(request, *args)
        except REFUSALS as exc:
            if not request.__dict__.pop(_SAVING, False):
                raise  # refused before any form was read (Django's own permission checks): a 403
            if isinstance(exc, IntegrityError):
                logger.warning("admin save of %s refused by the database", self.model._meta.label, exc_info=exc)
            if storage is not None and hasattr(storage, "_queued_messages"):
                storage._queued_messages[:] = queued  # "已为您创建任务…" of a write that was undone
            request.__dict__[_REFUSED] = exc
            return view(request, *args)
