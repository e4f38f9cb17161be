from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ledger.history import LedgerHistory
from ledger.models import (
    MONEY_DECIMAL_PLACES,
    MONEY_MAX_DIGITS,
    DatePrecision,
    PublishableModel,
    PublishableQuerySet,
    ReviewStatus,
    TimeStampedModel,
    format_date,
)

from ..sorting import NAME_SORT_MAX_LENGTH
from ..stages import PLANNED_DATE_FIELDS, STAGE_DATE_FIELDS, Stage, required_fields
from .geo import MapPlace, map_constraints

# Pairs of milestone dates that must not run backwards (earlier, later).
_DATE_ORDER = [
    (earlier, later)
    for i, earlier in enumerate(STAGE_DATE_FIELDS.values())
    for later in list(STAGE_DATE_FIELDS.values())[i + 1 :]
]


def _money_field(verbose_name):
    return models.DecimalField(
        verbose_name, max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, null=True, blank=True,
        help_text=_("单位：万元（1 亿元 = 10,000 万元）；未公布时留空。"),
    )


def _precision_field(verbose_name):
    return models.CharField(verbose_name, max_length=8, choices=DatePrecision.choices, default=DatePrecision.DAY)


class ProjectQuerySet(PublishableQuerySet):
    def public(self):
        """Published and not archived: an archived project vanishes from every public page at once."""
        return super().public().filter(archived_at__isnull=True)

    def active(self):
        """The working ledger: projects that are not archived."""
        return self.filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)

    def waiting_for_review(self):
        return self.active().filter(review_status=ReviewStatus.SUBMITTED)

    def with_list_relations(self):
        """What a list of projects shows: sector, event, zone and investors, in a fixed number of queries."""
        return self.select_related("sector", "signing_event", "zone").prefetch_related("investors")

    def with_detail_relations(self):
        return self.with_list_relations().prefetch_related(
            "institutes", "milestones", "investors__honours", "investors__parent"
        )


class Project(MapPlace, PublishableModel):
    """An investment project (招商项目): the heart of the ledger."""

    code = models.CharField(
        _("项目编号"), max_length=20, blank=True, help_text=_("如 QS-2026-0001，电话沟通时引用。")
    )
    name = models.CharField(_("项目名称"), max_length=160)
    name_en = models.CharField(_("英文名称"), max_length=300, blank=True)
    # Pinyin of the name (projects.sorting), so that lists sort by 名称 as a Chinese reader expects.
    name_sort = models.CharField(_("名称排序键"), max_length=NAME_SORT_MAX_LENGTH, blank=True, editable=False)
    investors = models.ManyToManyField(
        "projects.Enterprise", verbose_name=_("投资方"), blank=True, related_name="projects"
    )
    sector = models.ForeignKey(
        "projects.Sector", verbose_name=_("产业领域"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="projects",
    )
    signing_event = models.ForeignKey(
        "projects.SigningEvent", verbose_name=_("签约活动"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="projects",
    )
    zone = models.ForeignKey(
        "projects.RenewalZone", verbose_name=_("所在片区/载体"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="projects",
    )
    institutes = models.ManyToManyField(
        "projects.ResearchInstitute", verbose_name=_("合作研究院"), blank=True, related_name="projects"
    )
    address = models.CharField(_("项目地址"), max_length=200, blank=True)
    total_investment = _money_field(_("总投资（万元）"))
    # The sum of the project's funds ledger (``FundsEntry``), kept by the database itself (triggers of
    # migration 0019): no write of a project or an entry, by any path, leaves it different from the sum.
    # NULL while the ledger holds no entry. Staff-only.
    funds_in_place = models.DecimalField(
        _("到位资金（万元）"), max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, null=True,
        blank=True, editable=False, help_text=_("到位资金台账各条记录之和（万元），由系统计算。"),
    )
    is_headquarters = models.BooleanField(_("总部项目"), default=False)
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    summary_en = models.CharField(_("英文摘要"), max_length=600, blank=True)
    description = models.TextField(_("项目介绍"), blank=True)
    description_en = models.TextField(_("英文介绍"), blank=True)
    stage = models.CharField(_("项目阶段"), max_length=16, choices=Stage.choices, default=Stage.NEGOTIATING)
    signed_on = models.DateField(_("签约日期"), null=True, blank=True)
    signed_on_precision = _precision_field(_("签约日期精度"))
    registered_on = models.DateField(_("注册落户日期"), null=True, blank=True)
    registered_on_precision = _precision_field(_("注册日期精度"))
    started_on = models.DateField(_("开工日期"), null=True, blank=True)
    started_on_precision = _precision_field(_("开工日期精度"))
    completed_on = models.DateField(_("竣工日期"), null=True, blank=True)
    completed_on_precision = _precision_field(_("竣工日期精度"))
    production_on = models.DateField(_("投产日期"), null=True, blank=True)
    production_on_precision = _precision_field(_("投产日期精度"))
    planned_jobs = models.PositiveIntegerField(_("计划就业人数"), null=True, blank=True)
    land_area_mu = models.DecimalField(_("用地面积（亩）"), max_digits=10, decimal_places=2, null=True, blank=True)
    public_note = models.TextField(_("公开说明"), blank=True)
    # Staff-only below: never on a public page, the anonymous API or an export.
    responsible_unit = models.CharField(_("责任单位"), max_length=80, blank=True)
    responsible_person = models.CharField(_("责任人/包保领导"), max_length=80, blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("招商专员"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="projects",
    )
    staff_note = models.TextField(_("内部备注"), blank=True, help_text=_("谈判情况等，仅工作人员可见。"))
    obstacles = models.TextField(_("问题清单"), blank=True, help_text=_("项目推进中的问题及责任单位，仅工作人员可见。"))
    # The plan (计划节点), staff-only: when each stage should be reached, as precisely as the office
    # knows it (a year or a month is a plan too). ``projects.plans`` reads them (lights, reminders).
    planned_signed_on = models.DateField(_("计划签约日期"), null=True, blank=True)
    planned_signed_on_precision = _precision_field(_("计划签约日期精度"))
    planned_registered_on = models.DateField(_("计划注册日期"), null=True, blank=True)
    planned_registered_on_precision = _precision_field(_("计划注册日期精度"))
    planned_started_on = models.DateField(_("计划开工日期"), null=True, blank=True)
    planned_started_on_precision = _precision_field(_("计划开工日期精度"))
    planned_completed_on = models.DateField(_("计划竣工日期"), null=True, blank=True)
    planned_completed_on_precision = _precision_field(_("计划竣工日期精度"))
    planned_production_on = models.DateField(_("计划投产日期"), null=True, blank=True)
    planned_production_on_precision = _precision_field(_("计划投产日期精度"))
    # 亩均效益 (with ``land_area_mu`` and the yearly ``ProjectYearFigures``), staff-only.
    fixed_asset_investment = models.DecimalField(
        _("固定资产投资（万元）"), max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, null=True,
        blank=True, help_text=_("单位：万元；用于计算投资强度（万元/亩）。"),
    )
    # Projects are archived with a reason instead of deleted; an archived project can be restored.
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    archive_reason = models.TextField(_("归档原因"), blank=True)

    objects = ProjectQuerySet.as_manager()
    # The funds in place is derived (the ledger's entries keep their own history), so not tracked here.
    history = LedgerHistory(m2m_fields=["investors", "institutes"], excluded_fields=["funds_in_place"])

    class Meta:
        verbose_name = _("招商项目")
        verbose_name_plural = _("招商项目")
        ordering = [models.F("signed_on").desc(nulls_last=True), "-id"]
        permissions = [
            ("publish_project", _("可以发布/撤回项目")),
            ("change_project_final_stage", _("可以将项目设为已投产或终止")),
            ("archive_project", _("可以归档/恢复项目")),
        ]
        indexes = [
            models.Index(fields=["stage", "is_published"], name="project_stage_published_idx"),
            models.Index(fields=["signed_on"], name="project_signed_on_idx"),
            # The admin's "N records wait for review" banner counts these on every changelist page:
            # a partial index keeps that count proportional to the waiting records, not the ledger.
            models.Index(fields=["review_status"], name="project_submitted_idx",
                         condition=models.Q(review_status="submitted", archived_at__isnull=True)),
            # The API's keyset cursor walks (updated_at, id): rows written together (an import, a
            # bulk action) share updated_at, and the single-column index cannot order them by id.
            models.Index(fields=["updated_at", "id"], name="project_sync_order_idx"),
            # Exactly the rows of ``public()``: the API's page count is an index-only scan of it
            # instead of a scan of the whole table.
            models.Index(fields=["id"], name="project_public_idx",
                         condition=models.Q(is_published=True, archived_at__isnull=True)),
            models.Index(fields=["name_sort", "id"], name="project_name_sort_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(name__gt=""), name="project_name_not_empty"),
            models.CheckConstraint(condition=models.Q(slug__gt=""), name="project_slug_not_empty"),
            models.UniqueConstraint(fields=["code"], condition=~models.Q(code=""), name="project_code_unique"),
            models.CheckConstraint(
                condition=models.Q(archived_at__isnull=True) | ~models.Q(archive_reason=""),
                name="project_archive_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(total_investment__isnull=True) | models.Q(total_investment__gte=0),
                name="project_total_investment_not_negative",
            ),
            # The funds ledger's entries (each at least 0) never add up to more than the total investment.
            models.CheckConstraint(
                condition=models.Q(funds_in_place__isnull=True)
                | models.Q(total_investment__isnull=True)
                | models.Q(funds_in_place__lte=models.F("total_investment")),
                name="project_funds_within_total",
            ),
            models.CheckConstraint(
                condition=models.Q(land_area_mu__isnull=True) | models.Q(land_area_mu__gt=0),
                name="project_land_area_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(fixed_asset_investment__isnull=True) | models.Q(fixed_asset_investment__gte=0),
                name="project_fixed_asset_investment_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(stage__in=Stage.values), name="project_stage_valid"
            ),
            *map_constraints("project"),
            *[
                models.CheckConstraint(
                    condition=models.Q(**{f"{earlier}__isnull": True})
                    | models.Q(**{f"{later}__isnull": True})
                    | models.Q(**{f"{earlier}__lte": models.F(later)}),
                    name=f"project_{earlier}_before_{later}",
                )
                for earlier, later in _DATE_ORDER
            ],
            *[
                models.CheckConstraint(
                    condition=~models.Q(stage=stage) | models.Q(**{f"{date_field}__isnull": False}),
                    name=f"project_{stage}_needs_{date_field}",
                )
                for stage, date_field in STAGE_DATE_FIELDS.items()
            ],
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:project_detail", kwargs={"slug": self.slug})

    def clean(self):
        """The database constraints again, as messages an office worker can act on."""
        super().clean()
        errors: dict[str, list] = self.clean_map_fields()
        if self.total_investment is not None and self.total_investment < 0:
            errors.setdefault("total_investment", []).append(_("总投资不能为负数。"))
        if (
            self.funds_in_place is not None
            and self.total_investment is not None
            and self.funds_in_place > self.total_investment
        ):
            errors.setdefault("total_investment", []).append(
                _("总投资不能低于到位资金台账的合计（%(sum)s 万元）。") % {"sum": self.funds_in_place}
            )
        if self.fixed_asset_investment is not None and self.fixed_asset_investment < 0:
            errors.setdefault("fixed_asset_investment", []).append(_("固定资产投资不能为负数。"))
        if self.land_area_mu is not None and self.land_area_mu <= 0:
            errors.setdefault("land_area_mu", []).append(_("用地面积必须大于零；未知时留空。"))
        if self.code and self.code_taken():
            errors.setdefault("code", []).append(_("项目编号已被其他项目使用。"))
        for earlier, later in _DATE_ORDER:
            first, second = getattr(self, earlier), getattr(self, later)
            if first and second and first > second:
                errors.setdefault(later, []).append(
                    _("%(later)s不能早于%(earlier)s。")
                    % {
                        "later": self._meta.get_field(later).verbose_name,
                        "earlier": self._meta.get_field(earlier).verbose_name,
                    }
                )
        for name in required_fields(self.stage):
            if name == "investors":
                continue  # many-to-many: checked by the form and the services, which see the new value.
            if getattr(self, name) in (None, ""):
                errors.setdefault(name, []).append(
                    _("项目阶段为“%(stage)s”时必须填写%(field)s。")
                    % {"stage": self.get_stage_display(), "field": self._meta.get_field(name).verbose_name}
                )
        if errors:
            raise ValidationError(errors)

    def code_taken(self) -> bool:
        """Whether another project holds this code. A batch of writes (``ledger.writes.BatchLookups``)
        answers from what it read once instead of asking the database for each record."""
        lookups = self.__dict__.get("_batch_lookups")
        if lookups is not None:
            return lookups.taken(self, "code")
        return Project.objects.filter(code=self.code).exclude(pk=self.pk).exists()

    @property
    def signed_display(self) -> str:
        return format_date(self.signed_on, self.signed_on_precision)

    @property
    def registered_display(self) -> str:
        return format_date(self.registered_on, self.registered_on_precision)

    @property
    def started_display(self) -> str:
        return format_date(self.started_on, self.started_on_precision)

    @property
    def completed_display(self) -> str:
        return format_date(self.completed_on, self.completed_on_precision)

    @property
    def production_display(self) -> str:
        return format_date(self.production_on, self.production_on_precision)

    def planned_display(self, stage: str) -> str:
        """The planned date of ``stage`` as precisely as it is known (``""`` without a plan)."""
        name = PLANNED_DATE_FIELDS[stage]
        return format_date(getattr(self, name), getattr(self, f"{name}_precision"))


class ProjectMilestone(TimeStampedModel):
    """A dated stage change: together they are the project's timeline."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="milestones")
    stage = models.CharField(_("阶段"), max_length=16, choices=Stage.choices)
    date = models.DateField(_("日期"), null=True, blank=True)
    date_precision = _precision_field(_("日期精度"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    history = LedgerHistory()

    class Meta:
        verbose_name = _("项目节点")
        verbose_name_plural = _("项目节点")
        ordering = [models.F("date").asc(nulls_last=True), "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(stage__in=Stage.values), name="milestone_stage_valid"),
        ]

    def __str__(self):
        return f"{self.project} · {self.get_stage_display()} {self.date_display}"

    @property
    def date_display(self) -> str:
        return format_date(self.date, self.date_precision)


class ProjectExportCells(models.Model):
    """The export's join and aggregate cells of one project, stored (``projects.export_cells``).

    The CSV export reads these instead of running correlated subqueries per row: investor and
    institute slugs joined by ``"; "`` (the public cell lists only published records, the staff cell
    all of them; links are built from the slugs when read) and the milestones as the export's JSON.
    It also holds the project's whole CSV line for the public and for staff, as the export writes it
    (links with a placeholder for the request's ``scheme://host``): the CSV export copies these.
    Deleted by database triggers on any write to what it shows (``projects.export_cells``), computed
    again by the door and in the background; ``manage.py check_export`` compares it with a fresh
    computation. A project without a row, or a NULL line, is computed live by the export.
    """

    project = models.OneToOneField(
        Project, verbose_name=_("项目"), primary_key=True, on_delete=models.CASCADE, related_name="export_cells"
    )
    investor_slugs = models.TextField(_("投资方（公开）"), null=True, blank=True)
    investor_slugs_all = models.TextField(_("投资方（全部）"), null=True, blank=True)
    institute_slugs = models.TextField(_("科研院所（公开）"), null=True, blank=True)
    institute_slugs_all = models.TextField(_("科研院所（全部）"), null=True, blank=True)
    milestones = models.TextField(_("项目节点"), null=True, blank=True)
    public_line = models.TextField(_("导出行（公开）"), null=True, blank=True)
    staff_line = models.TextField(_("导出行（工作人员）"), null=True, blank=True)
    line_zone = models.CharField(_("导出行时区"), max_length=64, blank=True, db_default="")

    class Meta:
        verbose_name = _("项目导出单元格")
        verbose_name_plural = _("项目导出单元格")

    def __str__(self):
        return str(self.project_id)
