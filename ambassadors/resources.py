"""
Spreadsheet import/export of ambassadors and their leads, Chinese headers.

Matching on re-import: ambassadors by 网址标识 (slug) when given, otherwise by 姓名 when exactly one
ambassador bears it; leads by (推荐大使, 目标企业/资源), which the database keeps unique.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export import fields

from ledger.importing import ChoiceWidget, DateField, DateWidget, LedgerResource, LookupWidget, TextWidget
from projects.models import Enterprise, Project, Sector

from .models import Ambassador, AmbassadorStatus, Cohort, Lead, LeadStatus
from .services import ambassador_save, lead_save


def _text(row, column: str) -> str:
    value = row.get(column)
    return "" if value is None else str(value).strip()


class AmbassadorResource(LedgerResource):
    slug = fields.Field(attribute="slug", column_name="网址标识", widget=TextWidget())
    name = fields.Field(attribute="name", column_name="姓名", widget=TextWidget())
    name_en = fields.Field(attribute="name_en", column_name="英文姓名", widget=TextWidget())
    title = fields.Field(attribute="title", column_name="职务", widget=TextWidget())
    organisation = fields.Field(attribute="organisation", column_name="所在单位", widget=TextWidget())
    enterprise = fields.Field(
        attribute="enterprise", column_name="所在企业",
        widget=LookupWidget(Enterprise, keys=("name", "short_name"), label=_("所在企业"), hint=_("请先在企业库中建档。")),
    )
    cohort = fields.Field(
        attribute="cohort", column_name="聘任批次", widget=LookupWidget(Cohort, keys=("name", "slug"), label=_("聘任批次"))
    )
    term_start = DateField(attribute="term_start", column_name="任期开始", widget=DateWidget(label=_("任期开始")))
    term_end = DateField(attribute="term_end", column_name="任期结束", widget=DateWidget(label=_("任期结束")))
    status = fields.Field(
        attribute="status", column_name="状态",
        widget=ChoiceWidget(AmbassadorStatus.choices, label=_("状态"), default=AmbassadorStatus.ACTIVE),
    )
    bio = fields.Field(attribute="bio", column_name="公开简介", widget=TextWidget())
    phone = fields.Field(attribute="phone", column_name="联系电话", widget=TextWidget())
    email = fields.Field(attribute="email", column_name="电子邮箱", widget=TextWidget())

    required_columns = ("name",)

    class Meta:
        model = Ambassador
        name = _("招商大使")
        fields = ("slug", "name", "name_en", "title", "organisation", "enterprise", "cohort", "term_start", "term_end",
                  "status", "bio", "phone", "email")
        import_id_fields = ("slug",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = False

    def preload(self, dataset) -> None:
        self._by_slug = {}
        self._by_name: dict[str, list[Ambassador]] = {}
        for ambassador in Ambassador.objects.all():
            self._by_slug[ambassador.slug] = ambassador
            self._by_name.setdefault(ambassador.name, []).append(ambassador)

    def row_key(self, row) -> str:
        slug = _text(row, "网址标识")
        return f"slug:{slug}" if slug else f"name:{_text(row, '姓名')}"

    def key_column(self) -> str:
        return "网址标识"

    def find_existing(self, row):
        slug = _text(row, "网址标识")
        if slug:
            return self._by_slug.get(slug)
        matches = self._by_name.get(_text(row, "姓名"), [])
        if len(matches) > 1:
            raise ValidationError({"姓名": _("库中有多位同名大使，请填写网址标识以区分。")})
        return matches[0] if matches else None

    def save_record(self, instance, row, *, is_create: bool) -> None:
        ambassador_save(ambassador=instance, user=self.user)

    def export_queryset(self, queryset):
        return queryset.select_related("enterprise", "cohort")


class LeadResource(LedgerResource):
    ambassador = fields.Field(
        attribute="ambassador", column_name="推荐大使",
        widget=LookupWidget(Ambassador, keys=("slug", "name"), render_key="slug", label=_("推荐大使"),
                            hint=_("请填写大使的网址标识或姓名。")),
    )
    target_name = fields.Field(attribute="target_name", column_name="目标企业/资源", widget=TextWidget())
    target_enterprise = fields.Field(
        attribute="target_enterprise", column_name="目标企业（库内）",
        widget=LookupWidget(Enterprise, keys=("name", "short_name"), label=_("目标企业")),
    )
    sector = fields.Field(
        attribute="sector", column_name="产业领域", widget=LookupWidget(Sector, keys=("name", "slug"), label=_("产业领域"))
    )
    referred_on = DateField(attribute="referred_on", column_name="推荐日期", widget=DateWidget(label=_("推荐日期")))
    status = fields.Field(
        attribute="status", column_name="状态",
        widget=ChoiceWidget(LeadStatus.choices, label=_("线索状态"), default=LeadStatus.INTRODUCED),
    )
    project = fields.Field(
        attribute="project", column_name="签约项目",
        widget=LookupWidget(Project, keys=("code", "name"), label=_("签约项目"), hint=_("请填写项目编号或项目名称。")),
    )
    summary = fields.Field(attribute="summary", column_name="公开说明", widget=TextWidget())

    required_columns = ("ambassador", "target_name")

    class Meta:
        model = Lead
        name = _("招商线索")
        fields = ("ambassador", "target_name", "target_enterprise", "sector", "referred_on", "status", "project",
                  "summary")
        import_id_fields = ("ambassador", "target_name")
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = False

    def preload(self, dataset) -> None:
        self._existing = {(lead.ambassador_id, lead.target_name): lead for lead in Lead.objects.all()}

    def row_key(self, row) -> str:
        return f"{_text(row, '推荐大使')}|{_text(row, '目标企业/资源')}"

    def key_column(self) -> str:
        return "目标企业/资源"

    def find_existing(self, row):
        try:
            ambassador = self.fields["ambassador"].clean(row)
        except ValueError:
            return None  # reported as a cell error when the row is read.
        if ambassador is None:
            return None
        return self._existing.get((ambassador.pk, _text(row, "目标企业/资源")))

    def save_record(self, instance, row, *, is_create: bool) -> None:
        lead_save(lead=instance, user=self.user)

    def export_queryset(self, queryset):
        return queryset.select_related("ambassador", "target_enterprise", "sector", "project")
