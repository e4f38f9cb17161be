"""
Spreadsheet import/export of projects and enterprises (django-import-export), Chinese headers.

Matching on re-import (a file imported twice updates, never duplicates):
- projects: by 项目编号 (code) when the row has one, otherwise by 项目名称 when exactly one project
  without a code bears that name;
- enterprises: by 统一社会信用代码 when the row has one, otherwise by 企业名称.

Projects are saved through ``services.project_save``: the stage table (required fields, allowed
moves, reviewer-only stages) applies to an import exactly as to the admin.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from import_export import fields

from ledger.importing import (
    BooleanWidget,
    ChoiceWidget,
    DateField,
    DateWidget,
    DecimalWidget,
    IntegerWidget,
    LedgerResource,
    LookupListWidget,
    LookupWidget,
    ManyField,
    MoneyWidget,
    TextWidget,
    pending_many,
)
from ledger.spreadsheet_cells import has_controls

from .models import Enterprise, EnterpriseKind, Honour, Project, RenewalZone, Sector, SigningEvent
from .services import ProjectImport, enterprise_save
from .stages import Stage
from .validators import normalise_credit_code


def _text(row, column: str) -> str:
    value = row.get(column)
    return "" if value is None else str(value).strip()


def _lookup_values(dataset, headers, column: str) -> set[str]:
    if column not in headers:
        return set()
    return {str(v).strip() for v in dataset[column] if v and not has_controls(str(v))}


class FundsInPlaceField(fields.Field):
    """到位资金（万元）: the funds ledger's sum, exported; never written by an import. A cell that says
    something else is refused with what to do instead (an empty cell, or the same sum, passes)."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        value = self.clean(row, **kwargs)
        current = instance.funds_in_place if instance.pk is not None else None
        if value is not None and value != current:
            raise ValueError(
                _("到位资金由项目的到位资金台账逐笔登记、自动合计，不能在导入表中填写或修改（本行 %(value)s 万元，"
                  "台账合计 %(sum)s）。请清空此列，在项目页面的“到位资金台账”中登记。")
                % {"value": value, "sum": f"{current} 万元" if current is not None else _("无记录")}
            )


class ProjectResource(LedgerResource):
    code = fields.Field(attribute="code", column_name="项目编号", widget=TextWidget())
    name = fields.Field(attribute="name", column_name="项目名称", widget=TextWidget())
    investors = ManyField(
        attribute="investors", column_name="投资方",
        widget=LookupListWidget(Enterprise, keys=("name", "short_name"), label=_("投资方"),
                                hint=_("请先在企业库中建档（或先导入企业表）；多个投资方用“；”分隔。")),
    )
    sector = fields.Field(
        attribute="sector", column_name="产业领域",
        widget=LookupWidget(Sector, keys=("name", "slug"), label=_("产业领域"), hint=_("请使用产业领域表中的名称。")),
    )
    signing_event = fields.Field(
        attribute="signing_event", column_name="签约活动",
        widget=LookupWidget(SigningEvent, label=_("签约活动"), hint=_("请先建立签约活动。")),
    )
    zone = fields.Field(attribute="zone", column_name="所在片区/载体", widget=LookupWidget(RenewalZone, label=_("片区/载体")))
    stage = fields.Field(
        attribute="stage", column_name="项目阶段",
        widget=ChoiceWidget(Stage.choices, label=_("项目阶段"), default=Stage.NEGOTIATING),
    )
    signed_on = DateField(attribute="signed_on", column_name="签约日期", widget=DateWidget(label=_("签约日期")))
    registered_on = DateField(
        attribute="registered_on", column_name="注册落户日期", widget=DateWidget(label=_("注册落户日期"))
    )
    started_on = DateField(attribute="started_on", column_name="开工日期", widget=DateWidget(label=_("开工日期")))
    completed_on = DateField(attribute="completed_on", column_name="竣工日期", widget=DateWidget(label=_("竣工日期")))
    production_on = DateField(attribute="production_on", column_name="投产日期", widget=DateWidget(label=_("投产日期")))
    total_investment = fields.Field(
        attribute="total_investment", column_name="总投资（万元）", widget=MoneyWidget(label=_("总投资"))
    )
    funds_in_place = FundsInPlaceField(
        attribute="funds_in_place", column_name="到位资金（万元）", widget=MoneyWidget(label=_("到位资金"))
    )
    is_headquarters = fields.Field(
        attribute="is_headquarters", column_name="总部项目", widget=BooleanWidget(label=_("总部项目"))
    )
    address = fields.Field(attribute="address", column_name="项目地址", widget=TextWidget())
    summary = fields.Field(attribute="summary", column_name="摘要", widget=TextWidget())
    planned_jobs = fields.Field(
        attribute="planned_jobs", column_name="计划就业人数", widget=IntegerWidget(label=_("计划就业人数"))
    )
    land_area_mu = fields.Field(
        attribute="land_area_mu", column_name="用地面积（亩）", widget=DecimalWidget(label=_("用地面积"))
    )
    fixed_asset_investment = fields.Field(
        attribute="fixed_asset_investment", column_name="固定资产投资（万元）", widget=MoneyWidget(label=_("固定资产投资"))
    )
    planned_signed_on = DateField(attribute="planned_signed_on", column_name="计划签约日期",
                                  widget=DateWidget(label=_("计划签约日期")))
    planned_registered_on = DateField(attribute="planned_registered_on", column_name="计划注册日期",
                                      widget=DateWidget(label=_("计划注册日期")))
    planned_started_on = DateField(attribute="planned_started_on", column_name="计划开工日期",
                                   widget=DateWidget(label=_("计划开工日期")))
    planned_completed_on = DateField(attribute="planned_completed_on", column_name="计划竣工日期",
                                     widget=DateWidget(label=_("计划竣工日期")))
    planned_production_on = DateField(attribute="planned_production_on", column_name="计划投产日期",
                                      widget=DateWidget(label=_("计划投产日期")))
    responsible_unit = fields.Field(attribute="responsible_unit", column_name="责任单位", widget=TextWidget())
    responsible_person = fields.Field(attribute="responsible_person", column_name="责任人/包保领导", widget=TextWidget())
    officer = fields.Field(
        attribute="officer", column_name="招商专员",
        widget=LookupWidget(get_user_model(), keys=("username",), label=_("招商专员"), hint=_("请填写后台用户名。")),
    )

    required_columns = ("name",)
    row_savepoints = False  # rows are validated as read and written together at the end

    class Meta:
        model = Project
        name = _("招商项目")
        fields = (
            "code", "name", "investors", "sector", "signing_event", "zone", "stage", "signed_on", "registered_on",
            "started_on", "completed_on", "production_on", "total_investment", "funds_in_place", "is_headquarters",
            "address", "summary", "planned_jobs", "land_area_mu", "fixed_asset_investment", "responsible_unit",
            "responsible_person", "officer", "planned_signed_on", "planned_registered_on", "planned_started_on",
            "planned_completed_on", "planned_production_on",
        )
        import_id_fields = ("code",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = False

    def preload(self, dataset) -> None:
        headers = dataset.headers or []
        # A value with a control character is left out: PostgreSQL refuses a NUL in a query, and
        # its row is refused with the cell named (``before_import_row``).
        codes = _lookup_values(dataset, headers, "项目编号")
        names = _lookup_values(dataset, headers, "项目名称")
        self._by_code: dict[str, Project] = {}
        self._by_name: dict[str, list[Project]] = {}
        matching = Project.objects.filter(Q(code__in=codes) | Q(code="", name__in=names)).select_related(
            "sector", "signing_event", "zone", "officer"
        ).prefetch_related("investors")
        for project in matching:
            if project.code:
                self._by_code[project.code] = project
            else:
                self._by_name.setdefault(project.name, []).append(project)
        # Every row is validated as it is read and the valid ones are written together at the end.
        new_names = [
            _text(row, "项目名称") for row in dataset.dict
            if not has_controls(_text(row, "项目名称"))
            and not (self._by_code.get(_text(row, "项目编号")) or self._by_name.get(_text(row, "项目名称")))
        ] if "项目名称" in headers else []
        self._batch = ProjectImport(user=self.user, existing=matching, codes=codes, names=new_names)

    def row_key(self, row) -> str:
        code = _text(row, "项目编号")
        return f"code:{code}" if code else f"name:{_text(row, '项目名称')}"

    def key_column(self) -> str:
        return "项目编号"

    def find_existing(self, row):
        code = _text(row, "项目编号")
        if code:
            return self._by_code.get(code)
        matches = self._by_name.get(_text(row, "项目名称"), [])
        if len(matches) > 1:
            raise ValidationError({"项目名称": _("库中有多个同名项目，请填写项目编号以区分。")})
        return matches[0] if matches else None

    def save_record(self, instance, row, *, is_create: bool) -> None:
        # ``project_save``'s rules, row by row; the writes are batched (``write_records``).
        self._batch.add(project=instance, investors=pending_many(instance, "investors"))

    def write_records(self, result) -> None:
        self._batch.write()

    def export_queryset(self, queryset):
        return queryset.select_related("sector", "signing_event", "zone", "officer").prefetch_related("investors")


class EnterpriseResource(LedgerResource):
    name = fields.Field(attribute="name", column_name="企业名称", widget=TextWidget())
    short_name = fields.Field(attribute="short_name", column_name="简称", widget=TextWidget())
    credit_code = fields.Field(attribute="credit_code", column_name="统一社会信用代码", widget=TextWidget())
    province = fields.Field(attribute="province", column_name="所在省份", widget=TextWidget())
    city = fields.Field(attribute="city", column_name="所在城市", widget=TextWidget())
    kind = fields.Field(
        attribute="kind", column_name="企业性质", widget=ChoiceWidget(EnterpriseKind.choices, label=_("企业性质"))
    )
    honours = ManyField(
        attribute="honours", column_name="荣誉标签",
        widget=LookupListWidget(Honour, keys=("name", "slug"), label=_("荣誉标签"), hint=_("如 世界500强、链主、上市。")),
    )
    parent = fields.Field(
        attribute="parent", column_name="所属集团",
        widget=LookupWidget(Enterprise, label=_("所属集团"), hint=_("集团须先在企业库中建档（可放在同一文件的靠前行）。")),
    )
    name_en = fields.Field(attribute="name_en", column_name="英文名称", widget=TextWidget())
    description = fields.Field(attribute="description", column_name="简介", widget=TextWidget())

    required_columns = ("name",)

    class Meta:
        model = Enterprise
        name = _("企业")
        fields = ("name", "short_name", "credit_code", "province", "city", "kind", "honours", "parent", "name_en",
                  "description")
        import_id_fields = ("name",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = False

    def before_import_row(self, row, **kwargs):
        if row.get("统一社会信用代码"):
            row["统一社会信用代码"] = normalise_credit_code(str(row["统一社会信用代码"]))
        super().before_import_row(row, **kwargs)

    def preload(self, dataset) -> None:
        self._by_code = {}
        self._by_name = {}
        for enterprise in Enterprise.objects.all():
            self._by_name[enterprise.name] = enterprise
            if enterprise.credit_code:
                self._by_code[enterprise.credit_code] = enterprise

    def row_key(self, row) -> str:
        return _text(row, "企业名称")

    def key_column(self) -> str:
        return "企业名称"

    def find_existing(self, row):
        code = _text(row, "统一社会信用代码")
        return (self._by_code.get(code) if code else None) or self._by_name.get(_text(row, "企业名称"))

    def save_record(self, instance, row, *, is_create: bool) -> None:
        enterprise_save(enterprise=instance, user=self.user, honours=pending_many(instance, "honours"))
        # A later row may name this enterprise as its group.
        self.fields["parent"].widget.table()[instance.name] = instance

    def export_queryset(self, queryset):
        return queryset.select_related("parent").prefetch_related("honours")
