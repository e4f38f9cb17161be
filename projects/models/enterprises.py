from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ledger.history import LedgerHistory
from ledger.models import PublishableModel, PublishableQuerySet, TimeStampedModel

from ..validators import CreditCodeField


class EnterpriseKind(models.TextChoices):
    CENTRAL_SOE = "central_soe", _("央企")
    LOCAL_SOE = "local_soe", _("地方国企")
    PRIVATE = "private", _("民企")
    FOREIGN = "foreign", _("外资企业")
    FINANCIAL = "financial", _("金融机构")
    OTHER = "other", _("其他")


class Honour(TimeStampedModel):
    """A distinction an enterprise carries: 世界500强, 链主, 隐形冠军, 瞪羚, 独角兽, 上市 …"""

    name = models.CharField(_("名称"), max_length=40, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=80, blank=True)
    slug = models.SlugField(_("网址标识"), max_length=60, unique=True)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    history = LedgerHistory()

    class Meta:
        verbose_name = _("企业荣誉")
        verbose_name_plural = _("企业荣誉")
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(name__gt=""), name="honour_name_not_empty"),
            models.CheckConstraint(condition=models.Q(slug__gt=""), name="honour_slug_not_empty"),
        ]

    def __str__(self):
        return self.name


class EnterpriseQuerySet(PublishableQuerySet):
    def with_relations(self):
        return self.select_related("parent").prefetch_related("honours")


class Enterprise(PublishableModel):
    """An investor or target enterprise."""

    name = models.CharField(_("企业名称"), max_length=120, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    credit_code = CreditCodeField(
        _("统一社会信用代码"), blank=True,
        help_text=_("18 位统一社会信用代码；报道未给出时留空。"),
    )
    province = models.CharField(_("所在省份"), max_length=20, blank=True)
    city = models.CharField(_("所在城市"), max_length=20, blank=True)
    kind = models.CharField(_("企业性质"), max_length=16, choices=EnterpriseKind.choices, blank=True)
    honours = models.ManyToManyField(Honour, verbose_name=_("荣誉标签"), blank=True, related_name="enterprises")
    parent = models.ForeignKey(
        "self", verbose_name=_("所属集团"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="subsidiaries",
    )
    description = models.TextField(_("简介"), blank=True)
    description_en = models.TextField(_("英文简介"), blank=True)
    staff_note = models.TextField(_("内部备注"), blank=True, help_text=_("仅工作人员可见。"))

    objects = EnterpriseQuerySet.as_manager()
    history = LedgerHistory()

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        permissions = [("publish_enterprise", _("可以发布/撤回企业"))]
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(name__gt=""), name="enterprise_name_not_empty"),
            models.CheckConstraint(condition=models.Q(slug__gt=""), name="enterprise_slug_not_empty"),
            models.CheckConstraint(condition=~models.Q(parent=models.F("pk")), name="enterprise_not_own_parent"),
            models.CheckConstraint(
                condition=models.Q(credit_code="") | Exact(Length("credit_code"), 18),
                name="enterprise_credit_code_18_chars",
            ),
            models.UniqueConstraint(
                fields=["credit_code"], condition=~models.Q(credit_code=""), name="enterprise_credit_code_unique"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors: dict[str, list] = {}
        if self.parent_id is not None and self.parent_id == self.pk:
            errors["parent"] = [_("所属集团不能是企业本身。")]
        if self.credit_code and (
            Enterprise.objects.filter(credit_code=self.credit_code).exclude(pk=self.pk).exists()
        ):
            errors["credit_code"] = [_("该统一社会信用代码已登记在其他企业名下。")]
        if errors:
            raise ValidationError(errors)

    @property
    def origin(self) -> str:
        return f"{self.province}{self.city}"

    def get_absolute_url(self):
        return reverse("projects:project_list") + f"?investor={self.slug}"
