from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ledger.history import LedgerHistory
from ledger.models import TimeStampedModel


class SectorTier(models.TextChoices):
    PILLAR = "pillar", _("主导产业")
    FEATURED = "featured", _("特色产业")
    EMERGING = "emerging", _("新兴/未来产业")


class SectorQuerySet(models.QuerySet):
    def descendant_ids(self, sector_ids) -> set[int]:
        """The given sectors and every sector below them (one query; the tree is small)."""
        children: dict[int | None, list[int]] = {}
        for pk, parent_id in Sector.objects.values_list("pk", "parent_id"):
            children.setdefault(parent_id, []).append(pk)
        found: set[int] = set()
        stack = list(sector_ids)
        while stack:
            pk = stack.pop()
            if pk in found:
                continue
            found.add(pk)
            stack.extend(children.get(pk, []))
        return found


class Sector(TimeStampedModel):
    """An industry of the district's "335" system; sectors form a tree (钢铁 > 硅钢)."""

    name = models.CharField(_("名称"), max_length=60, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=120, blank=True)
    slug = models.SlugField(_("网址标识"), max_length=80, unique=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级领域"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    tier = models.CharField(_("产业层级"), max_length=16, choices=SectorTier.choices)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    description = models.TextField(_("说明"), blank=True)

    objects = SectorQuerySet.as_manager()
    history = LedgerHistory()

    class Meta:
        verbose_name = _("产业领域")
        verbose_name_plural = _("产业领域")
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(parent=models.F("pk")), name="sector_not_own_parent"),
            models.CheckConstraint(condition=models.Q(slug__gt=""), name="sector_slug_not_empty"),
            models.CheckConstraint(condition=models.Q(name__gt=""), name="sector_name_not_empty"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:project_list") + f"?sector={self.slug}"

    def clean(self):
        super().clean()
        # The database refuses a sector that is its own parent; a longer loop is refused here.
        if (
            self.parent_id is not None
            and self.pk is not None
            and self.parent_id in Sector.objects.descendant_ids([self.pk])
        ):
            raise ValidationError({"parent": _("上级领域不能是本领域或其下级领域。")})
