"""Serializers of the project ledger. Public fields first; the ``Private…`` subclasses add staff-only ones."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ledger.api.export_sql import StoredCells
from ledger.api.serializers import (
    REVIEW_FIELDS,
    LedgerSerializer,
    RelatedLinkField,
    RelatedLinkListField,
    RelatedSlugField,
    RelatedSlugListField,
    SelfLinkField,
    money_field,
)

from ..models import Enterprise, Project, ProjectMilestone, RenewalZone, ResearchInstitute, Sector, SigningEvent
from ..stages import PLANNED_DATE_FIELDS

PUBLISHED_FIELDS = ("published_at", "created_at", "updated_at")


class SectorSerializer(LedgerSerializer):
    url = SelfLinkField("sector-detail")
    parent = RelatedSlugField()
    parent_url = RelatedLinkField("sector-detail", source="parent")

    class Meta:
        model = Sector
        fields = (
            "url", "slug", "name", "name_en", "tier", "parent", "parent_url", "position", "description",
            "created_at", "updated_at",
        )


class EnterpriseSerializer(LedgerSerializer):
    url = SelfLinkField("enterprise-detail")
    honours = RelatedSlugListField(help_text="Slugs of the enterprise's distinctions (fortune-global-500 …).")
    parent = RelatedSlugField(help_text="Slug of the parent group.")
    parent_url = RelatedLinkField("enterprise-detail", source="parent")

    class Meta:
        model = Enterprise
        fields = (
            "url", "slug", "name", "name_en", "short_name", "credit_code", "province", "city", "kind", "honours",
            "parent", "parent_url", "description", "description_en", *PUBLISHED_FIELDS,
        )


class PrivateEnterpriseSerializer(EnterpriseSerializer):
    class Meta(EnterpriseSerializer.Meta):
        fields = (*EnterpriseSerializer.Meta.fields, *REVIEW_FIELDS, "staff_note")


class SigningEventSerializer(LedgerSerializer):
    url = SelfLinkField("event-detail")
    announced_total_investment = money_field(help_text="Total announced at the event, in 万元 (decimal string).")
    recorded_project_count = serializers.IntegerField(
        read_only=True, label=_("库内项目数"), help_text="Projects of this event the ledger records (visible to the reader)."
    )
    recorded_total_investment = money_field(
        label=_("库内项目总投资（万元）"), help_text="Sum of the recorded projects' total investment, in 万元 (decimal string); null if none given."
    )
    sectors = RelatedSlugListField()
    sector_urls = RelatedLinkListField("sector-detail", source="sectors")

    class Meta:
        model = SigningEvent
        fields = (
            "url", "slug", "name", "name_en", "held_on", "place", "announced_project_count",
            "announced_total_investment", "recorded_project_count", "recorded_total_investment", "sectors",
            "sector_urls", "summary", "summary_en", *PUBLISHED_FIELDS,
        )


class PrivateSigningEventSerializer(SigningEventSerializer):
    class Meta(SigningEventSerializer.Meta):
        fields = (*SigningEventSerializer.Meta.fields, *REVIEW_FIELDS, "staff_note")


class RenewalZoneSerializer(LedgerSerializer):
    url = SelfLinkField("zone-detail")
    area_km2 = serializers.DecimalField(
        max_digits=9, decimal_places=3, read_only=True, allow_null=True,
        help_text="Area in square kilometres, as a decimal string.",
    )

    class Meta:
        model = RenewalZone
        fields = (
            "url", "slug", "name", "name_en", "kind", "positioning", "area_km2", "development_model", "status",
            "description", "description_en", *PUBLISHED_FIELDS,
        )


class PrivateRenewalZoneSerializer(RenewalZoneSerializer):
    class Meta(RenewalZoneSerializer.Meta):
        fields = (*RenewalZoneSerializer.Meta.fields, *REVIEW_FIELDS, "staff_note")


class ResearchInstituteSerializer(LedgerSerializer):
    url = SelfLinkField("institute-detail")
    zone = RelatedSlugField()
    zone_url = RelatedLinkField("zone-detail", source="zone")

    class Meta:
        model = ResearchInstitute
        fields = (
            "url", "slug", "name", "name_en", "kind", "partners", "founded_on", "founded_on_precision",
            "focus_areas", "zone", "zone_url", "address", "status", "description", "description_en",
            *PUBLISHED_FIELDS,
        )


class PrivateResearchInstituteSerializer(ResearchInstituteSerializer):
    class Meta(ResearchInstituteSerializer.Meta):
        fields = (*ResearchInstituteSerializer.Meta.fields, *REVIEW_FIELDS, "staff_note")


class MilestoneSerializer(LedgerSerializer):
    class Meta:
        model = ProjectMilestone
        fields = ("stage", "date", "date_precision", "note")


class ProjectSerializer(LedgerSerializer):
    url = SelfLinkField("project-detail")
    investors = RelatedSlugListField()
    investor_urls = RelatedLinkListField("enterprise-detail", source="investors")
    sector = RelatedSlugField()
    sector_url = RelatedLinkField("sector-detail", source="sector")
    signing_event = RelatedSlugField()
    signing_event_url = RelatedLinkField("event-detail", source="signing_event")
    zone = RelatedSlugField()
    zone_url = RelatedLinkField("zone-detail", source="zone")
    institutes = RelatedSlugListField()
    institute_urls = RelatedLinkListField("institute-detail", source="institutes")
    total_investment = money_field(help_text="Total investment (总投资) in 万元, decimal string; null if not published.")
    land_area_mu = serializers.DecimalField(
        max_digits=10, decimal_places=2, read_only=True, allow_null=True, help_text="Land area in 亩, decimal string."
    )
    milestones = MilestoneSerializer(many=True, read_only=True, help_text="Dated stage changes, oldest first.")

    class Meta:
        model = Project
        fields = (
            "url", "slug", "code", "name", "name_en", "stage", "investors", "investor_urls", "sector", "sector_url",
            "signing_event", "signing_event_url", "zone", "zone_url", "institutes", "institute_urls", "address",
            "total_investment", "is_headquarters", "summary", "summary_en", "description",
            "description_en", "signed_on", "signed_on_precision", "registered_on", "registered_on_precision",
            "started_on", "started_on_precision", "completed_on", "completed_on_precision", "production_on",
            "production_on_precision", "planned_jobs",
            "land_area_mu", "public_note", "milestones", *PUBLISHED_FIELDS,
        )
        # The to-many cells the CSV export reads from projects.ProjectExportCells (projects.export_cells).
        stored_cells = StoredCells(relation="export_cells", columns={
            "investors": ("investor_slugs", "investor_slugs_all"),
            "institutes": ("institute_slugs", "institute_slugs_all"),
            "milestones": ("milestones", "milestones"),
        }, lines=("public_line", "staff_line"), line_zone="line_zone")


# Staff-only: the funds in place (the funds ledger's sum), the plan and the fixed-asset investment too.
PROJECT_STAFF_FIELDS = (
    "responsible_unit", "responsible_person", "officer", "staff_note", "obstacles", "funds_in_place",
    "fixed_asset_investment",
    *(name for field in PLANNED_DATE_FIELDS.values() for name in (field, f"{field}_precision")),
)


class PrivateProjectSerializer(ProjectSerializer):
    officer = serializers.SlugRelatedField(slug_field="username", read_only=True, help_text="Officer's user name.")
    funds_in_place = money_field(
        help_text="Funds in place (到位资金) in 万元, decimal string: the sum of the funds ledger; null without entries."
    )
    fixed_asset_investment = money_field(help_text="Fixed-asset investment (固定资产投资) in 万元, decimal string.")

    class Meta(ProjectSerializer.Meta):
        fields = (*ProjectSerializer.Meta.fields, *REVIEW_FIELDS, *PROJECT_STAFF_FIELDS)
