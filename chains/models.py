"""
Industrial chains (产业链图谱): each chain belongs to sectors of the "335" tree and is drawn as its
links (环节) up-, mid- and downstream, in order. Enterprises and projects are attached to links; an
enterprise's role on a chain (链主, 链核) is a link between that chain and the enterprise, not an
honour the enterprise carries everywhere. A link with nothing attached is a missing link (缺失环节):
a target for recruiting (补链招商).

Both models are publishable records with the review workflow of every public model (the write
door holds an unreviewed change of a published one as a revision); the public sees a link only
when it and its chain are published, and only the published enterprises and public projects on it.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ledger.history import LedgerHistory
from ledger.models import PublishableModel, PublishableQuerySet


class Segment(models.TextChoices):
    UPSTREAM = "upstream", _("上游")
    MIDSTREAM = "midstream", _("中游")
    DOWNSTREAM = "downstream", _("下游")


SEGMENT_ORDER: tuple[str, ...] = tuple(Segment.values)


class ChainRole(models.TextChoices):
    """An enterprise's role on one chain."""

    LEADER = "leader", _("链主")
    CORE = "core", _("链核")


class Chain(PublishableModel):
    """An industrial chain (产业链) of the district, e.g. the silicon-steel supply chain of 钢铁."""

    name = models.CharField(_("产业链名称"), max_length=80, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=160, blank=True)
    sectors = models.ManyToManyField(
        "projects.Sector", verbose_name=_("所属产业领域"), related_name="chains",
        help_text=_("本链在“335”产业体系中所属的领域，至少一个。"),
    )
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    summary_en = models.CharField(_("英文摘要"), max_length=600, blank=True)
    description = models.TextField(_("介绍"), blank=True)
    description_en = models.TextField(_("英文介绍"), blank=True)
    leaders = models.ManyToManyField(
        "projects.Enterprise", verbose_name=_("链主企业"), blank=True, related_name="led_chains",
        help_text=_("在本链中担任链主的企业（只对本链成立，不是企业的通用荣誉）。"),
    )
    cores = models.ManyToManyField(
        "projects.Enterprise", verbose_name=_("链核企业"), blank=True, related_name="core_chains",
        help_text=_("在本链中担任链核的企业（只对本链成立）。"),
    )
    staff_note = models.TextField(_("内部备注"), blank=True, help_text=_("仅工作人员可见。"))

    objects = PublishableQuerySet.as_manager()
    history = LedgerHistory(m2m_fields=["sectors", "leaders", "cores"])

    class Meta:
        verbose_name = _("产业链")
        verbose_name_plural = _("产业链")
        permissions = [("publish_chain", _("可以发布/撤回产业链"))]
        ordering = ["position", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(name__gt=""), name="chain_name_not_empty"),
            models.CheckConstraint(condition=models.Q(slug__gt=""), name="chain_slug_not_empty"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("chains:chain_detail", kwargs={"slug": self.slug})


class ChainNodeQuerySet(PublishableQuerySet):
    def public(self):
        """Published links of published chains."""
        return super().public().filter(chain__is_published=True)

    def in_order(self):
        """Upstream first, then midstream, then downstream; by position within a segment."""
        return self.order_by(segment_rank(), "position", "name", "id")

    def with_counts(self, *, public_only: bool):
        """Annotate ``enterprise_count`` and ``project_count``: what fills each link.

        ``public_only``: published enterprises and public projects (what the public page shows);
        otherwise every attached enterprise and every project not archived (the office's view, which
        also counts a draft project someone is bringing in). A link with neither is a missing link.
        """
        enterprise_links = ChainNode.enterprises.through.objects.filter(chainnode_id=models.OuterRef("pk"))
        project_links = ChainNode.projects.through.objects.filter(
            chainnode_id=models.OuterRef("pk"), project__archived_at__isnull=True)
        if public_only:
            enterprise_links = enterprise_links.filter(enterprise__is_published=True)
            project_links = project_links.filter(project__is_published=True)
        return self.annotate(
            enterprise_count=_count(enterprise_links, "chainnode_id"),
            project_count=_count(project_links, "chainnode_id"),
        )

    def missing(self):
        """Links with nothing attached (``with_counts`` first): the targets of 补链招商."""
        return self.filter(enterprise_count=0, project_count=0)


def _count(links: models.QuerySet, key: str) -> models.Subquery:
    counted = links.order_by().values(key).annotate(total=models.Count("*")).values("total")
    return Coalesce(models.Subquery(counted, output_field=models.IntegerField()), 0)


def segment_rank() -> models.Case:
    return models.Case(
        *[models.When(segment=value, then=models.Value(rank)) for rank, value in enumerate(SEGMENT_ORDER)],
        default=models.Value(len(SEGMENT_ORDER)), output_field=models.IntegerField(),
    )


class ChainNode(PublishableModel):
    """A link (环节) of a chain, with the enterprises and projects that fill it; none: a missing link."""

    chain = models.ForeignKey(Chain, verbose_name=_("产业链"), on_delete=models.PROTECT, related_name="nodes")
    segment = models.CharField(_("链段"), max_length=16, choices=Segment.choices)
    position = models.PositiveSmallIntegerField(_("链段内排序"), default=0)
    name = models.CharField(_("环节名称"), max_length=80)
    name_en = models.CharField(_("英文名称"), max_length=160, blank=True)
    description = models.TextField(_("说明"), blank=True)
    description_en = models.TextField(_("英文说明"), blank=True)
    enterprises = models.ManyToManyField(
        "projects.Enterprise", verbose_name=_("挂接企业"), blank=True, related_name="chain_nodes"
    )
    projects = models.ManyToManyField(
        "projects.Project", verbose_name=_("挂接项目"), blank=True, related_name="chain_nodes"
    )
    staff_note = models.TextField(_("内部备注"), blank=True, help_text=_("仅工作人员可见。"))

    objects = ChainNodeQuerySet.as_manager()
    history = LedgerHistory(m2m_fields=["enterprises", "projects"])

    class Meta:
        verbose_name = _("产业链环节")
        verbose_name_plural = _("产业链环节")
        permissions = [("publish_chainnode", _("可以发布/撤回产业链环节"))]
        ordering = ["chain", "segment", "position", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(name__gt=""), name="chainnode_name_not_empty"),
            models.CheckConstraint(condition=models.Q(slug__gt=""), name="chainnode_slug_not_empty"),
            models.CheckConstraint(condition=models.Q(segment__in=SEGMENT_ORDER), name="chainnode_segment_valid"),
            models.UniqueConstraint(
                fields=["chain", "name"], name="chainnode_name_unique_per_chain",
                violation_error_message=_("本产业链已有同名环节。"),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{self.chain.get_absolute_url()}#{self.anchor}"

    @property
    def is_filled(self) -> bool:
        """Whether anything fills the link (``with_counts`` annotated); False: a missing link (缺失环节)."""
        return bool(self.enterprise_count or self.project_count)

    @property
    def anchor(self) -> str:
        return f"node-{self.slug}"

    def clean(self):
        super().clean()
        if self.segment and self.segment not in SEGMENT_ORDER:
            raise ValidationError({"segment": _("请选择上游、中游或下游。")})
