"""Expressions of interest (投资意向) sent by visitors of the public site.

An investor who likes a project, a zone or a carrier tells the office through the public form
(``projects.interest``). The record is back-office only: it never reaches a public page, the API,
an export, a feed or the sitemap (it is no ``PublishableModel``, has no slug and no public
manager). The responsible officer (the project's 招商专员 when the interest names a project) follows
it up in the admin.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

from ledger.models import TimeStampedModel

ORGANISATION_MAX_LENGTH = 120
CONTACT_MAX_LENGTH = 60
PHONE_MAX_LENGTH = 30
MESSAGE_MAX_LENGTH = 2000

models.TextField.register_lookup(Length)


class InterestStatus(models.TextChoices):
    NEW = "new", _("新提交")
    CONTACTED = "contacted", _("已联系")
    FOLLOWING = "following", _("跟进中")
    CLOSED = "closed", _("已结束")
    SPAM = "spam", _("无效/垃圾信息")


class InvestmentInterest(TimeStampedModel):
    """One submission of the 投资意向 form, with what it is about and who follows it up."""

    organisation = models.CharField(_("单位名称"), max_length=ORGANISATION_MAX_LENGTH)
    contact_name = models.CharField(_("联系人"), max_length=CONTACT_MAX_LENGTH)
    phone = models.CharField(_("电话"), max_length=PHONE_MAX_LENGTH, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    message = models.TextField(_("意向内容"), max_length=MESSAGE_MAX_LENGTH)
    consent = models.BooleanField(_("同意被联系"), default=False)
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("感兴趣的项目"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="interests",
    )
    zone = models.ForeignKey(
        "projects.RenewalZone", verbose_name=_("感兴趣的片区/载体"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="interests",
    )
    language = models.CharField(_("提交语言"), max_length=8, blank=True)
    # The back office's side.
    status = models.CharField(_("处理状态"), max_length=12, choices=InterestStatus.choices, default=InterestStatus.NEW)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("负责专员"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="investment_interests",
    )
    staff_note = models.TextField(_("跟进记录"), blank=True, help_text=_("仅工作人员可见。"))

    class Meta:
        verbose_name = _("投资意向")
        verbose_name_plural = _("投资意向")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="interest_status_created_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(organisation__gt=""), name="interest_organisation_not_empty",
                                   violation_error_message=_("请填写单位名称。")),
            models.CheckConstraint(condition=models.Q(contact_name__gt=""), name="interest_contact_not_empty",
                                   violation_error_message=_("请填写联系人。")),
            models.CheckConstraint(condition=~models.Q(phone="", email=""), name="interest_has_phone_or_email",
                                   violation_error_message=_("请至少填写电话或电子邮箱中的一项。")),
            models.CheckConstraint(condition=models.Q(consent=True), name="interest_consent_given",
                                   violation_error_message=_("请勾选同意招商局与您联系。")),
            models.CheckConstraint(condition=models.Q(message__length__lte=MESSAGE_MAX_LENGTH),
                                   name="interest_message_max_length",
                                   violation_error_message=_("意向内容过长。")),
            models.CheckConstraint(condition=models.Q(status__in=InterestStatus.values), name="interest_status_valid"),
        ]

    def __str__(self):
        return f"{self.organisation} · {self.contact_name}"

    def clean(self):
        """The database constraints again, as messages a visitor can act on (and without a query each)."""
        super().clean()
        errors: dict[str, list] = {}
        if not self.phone and not self.email:
            errors.setdefault("phone", []).append(_("请至少填写电话或电子邮箱中的一项。"))
        if not self.consent:
            errors.setdefault("consent", []).append(_("请勾选同意招商局与您联系。"))
        if len(self.message or "") > MESSAGE_MAX_LENGTH:
            errors.setdefault("message", []).append(_("意向内容过长。"))
        if errors:
            raise ValidationError(errors)

    @property
    def target(self):
        return self.project or self.zone
