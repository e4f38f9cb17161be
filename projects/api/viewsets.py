"""Read-only view sets of the project ledger. Each reads through the model's named queryset methods."""

from django.db.models import F, Prefetch, QuerySet

from jobs.exports import JobExportMixin
from ledger.api.base import LedgerViewSet, ledger_schema, search_filterset

from .. import filters
from ..models import Enterprise, Project, ProjectMilestone, RenewalZone, ResearchInstitute, Sector, SigningEvent
from . import serializers


@ledger_schema("sectors", serializers.SectorSerializer)
class SectorViewSet(LedgerViewSet):
    """Industries of the district's "335" system; a tree (``parent``)."""

    model = Sector
    serializer_class = serializers.SectorSerializer
    filterset_class = search_filterset(filters.SectorFilterSet)
    ordering = ("position", "name", "id")
    export_basename = "sectors"

    def base_queryset(self) -> QuerySet:
        return Sector.objects.select_related("parent")


@ledger_schema("enterprises", serializers.EnterpriseSerializer, ("staff_note", "is_published", "review_status", "review_comment", "version"))
class EnterpriseViewSet(JobExportMixin, LedgerViewSet):
    """Investors and target enterprises."""

    model = Enterprise
    serializer_class = serializers.EnterpriseSerializer
    private_serializer_class = serializers.PrivateEnterpriseSerializer
    filterset_class = search_filterset(filters.EnterpriseFilterSet)
    ordering = ("name", "id")
    export_basename = "enterprises"

    def base_queryset(self) -> QuerySet:
        return Enterprise.objects.with_relations()


@ledger_schema("events", serializers.SigningEventSerializer, ("staff_note", "is_published", "review_status", "review_comment", "version"))
class SigningEventViewSet(LedgerViewSet):
    """Signing conferences: the figures as announced, and what the ledger records."""

    model = SigningEvent
    serializer_class = serializers.SigningEventSerializer
    private_serializer_class = serializers.PrivateSigningEventSerializer
    filterset_class = search_filterset(filters.SigningEventFilterSet)
    ordering = ("-held_on", "-id")
    export_basename = "events"

    def base_queryset(self) -> QuerySet:
        return SigningEvent.objects.with_recorded_figures(public_only=not self.private).prefetch_related("sectors")


@ledger_schema("zones", serializers.RenewalZoneSerializer, ("staff_note", "is_published", "review_status", "review_comment", "version"))
class RenewalZoneViewSet(LedgerViewSet):
    """Urban-renewal units, development areas and industrial carriers."""

    model = RenewalZone
    serializer_class = serializers.RenewalZoneSerializer
    private_serializer_class = serializers.PrivateRenewalZoneSerializer
    filterset_class = search_filterset(filters.RenewalZoneFilterSet)
    ordering = ("kind", "name", "id")
    export_basename = "zones"


@ledger_schema("institutes", serializers.ResearchInstituteSerializer, ("staff_note", "is_published", "review_status", "review_comment", "version"))
class ResearchInstituteViewSet(LedgerViewSet):
    """Research institutes and the pilot-scale base (楠姆科创带)."""

    model = ResearchInstitute
    serializer_class = serializers.ResearchInstituteSerializer
    private_serializer_class = serializers.PrivateResearchInstituteSerializer
    filterset_class = search_filterset(filters.ResearchInstituteFilterSet)
    ordering = ("name", "id")
    export_basename = "institutes"

    def base_queryset(self) -> QuerySet:
        return ResearchInstitute.objects.with_relations()


@ledger_schema(
    "projects",
    serializers.ProjectSerializer,
    (*serializers.PROJECT_STAFF_FIELDS, "is_published", "review_status", "review_comment", "version"),
)
class ProjectViewSet(JobExportMixin, LedgerViewSet):
    """Investment projects, with their milestones embedded."""

    model = Project
    serializer_class = serializers.ProjectSerializer
    private_serializer_class = serializers.PrivateProjectSerializer
    filterset_class = search_filterset(filters.ProjectFilterSet)
    ordering = (F("signed_on").desc(nulls_last=True), "-id")
    export_basename = "projects"

    def base_queryset(self) -> QuerySet:
        queryset = Project.objects.with_list_relations().prefetch_related(
            "institutes", Prefetch("milestones", queryset=ProjectMilestone.objects.order_by(*ProjectMilestone._meta.ordering))
        )
        if self.private:
            queryset = queryset.select_related("officer")
        return queryset
