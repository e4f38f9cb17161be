"""API of the investment ambassadors and their cohorts; routes mounted under /api/v1/."""

from django.db.models import QuerySet
from rest_framework.routers import SimpleRouter

from ledger.api.base import (
    LedgerViewSet,
    ledger_schema,
    search_filterset,
)
from ledger.api.serializers import (
    REVIEW_FIELDS,
    LedgerSerializer,
    RelatedLinkField,
    RelatedSlugField,
    SelfLinkField,
)

from . import filters
from .models import Ambassador, Cohort

PUBLISHED_FIELDS = ("published_at", "created_at", "updated_at")
AMBASSADOR_STAFF_FIELDS = ("phone", "email", "staff_note")


class CohortSerializer(LedgerSerializer):
    url = SelfLinkField("cohort-detail")

    class Meta:
        model = Cohort
        fields = (
            "url", "slug", "name", "name_en", "year", "appointed_on", "appointed_on_precision", "announced_size",
            "description", "description_en", *PUBLISHED_FIELDS,
        )


class PrivateCohortSerializer(CohortSerializer):
    class Meta(CohortSerializer.Meta):
        fields = (*CohortSerializer.Meta.fields, *REVIEW_FIELDS)


class AmbassadorSerializer(LedgerSerializer):
    url = SelfLinkField("ambassador-detail")
    cohort = RelatedSlugField()
    cohort_url = RelatedLinkField("cohort-detail", source="cohort")
    enterprise = RelatedSlugField()
    enterprise_url = RelatedLinkField("enterprise-detail", source="enterprise")

    class Meta:
        model = Ambassador
        fields = (
            "url", "slug", "name", "name_en", "title", "organisation", "enterprise", "enterprise_url", "cohort",
            "cohort_url", "term_start", "term_end", "status", "bio", "bio_en", *PUBLISHED_FIELDS,
        )


class PrivateAmbassadorSerializer(AmbassadorSerializer):
    class Meta(AmbassadorSerializer.Meta):
        fields = (*AmbassadorSerializer.Meta.fields, *REVIEW_FIELDS, *AMBASSADOR_STAFF_FIELDS)


@ledger_schema("cohorts", CohortSerializer, REVIEW_FIELDS)
class CohortViewSet(LedgerViewSet):
    """Batches of ambassadors appointed together, with the size announced."""

    model = Cohort
    serializer_class = CohortSerializer
    private_serializer_class = PrivateCohortSerializer
    filterset_class = search_filterset(filters.CohortFilterSet)
    ordering = ("-year", "name", "id")
    export_basename = "cohorts"


@ledger_schema("ambassadors", AmbassadorSerializer, (*AMBASSADOR_STAFF_FIELDS, *REVIEW_FIELDS))
class AmbassadorViewSet(LedgerViewSet):
    """Investment ambassadors (招商大使); contact details are staff-only."""

    model = Ambassador
    serializer_class = AmbassadorSerializer
    private_serializer_class = PrivateAmbassadorSerializer
    filterset_class = search_filterset(filters.AmbassadorFilterSet)
    ordering = ("cohort__year", "name", "id")
    export_basename = "ambassadors"

    def base_queryset(self) -> QuerySet:
        return Ambassador.objects.with_relations()


def register(router: SimpleRouter) -> None:
    router.register("ambassadors", AmbassadorViewSet, basename="ambassador")
    router.register("cohorts", CohortViewSet, basename="cohort")
