"""Routes of the project ledger's API; mounted under /api/v1/ by ``qingshan.api_urls``."""

from rest_framework.routers import SimpleRouter

from . import oc4ids, viewsets


def register(router: SimpleRouter) -> None:
    router.register("projects", viewsets.ProjectViewSet, basename="project")
    router.register("enterprises", viewsets.EnterpriseViewSet, basename="enterprise")
    router.register("sectors", viewsets.SectorViewSet, basename="sector")
    router.register("events", viewsets.SigningEventViewSet, basename="event")
    router.register("institutes", viewsets.ResearchInstituteViewSet, basename="institute")
    router.register("zones", viewsets.RenewalZoneViewSet, basename="zone")
    router.register("oc4ids", oc4ids.OC4IDSViewSet, basename="oc4ids")
