"""sitemap.xml: the public pages and every published record (nothing else), in each language
(``/…`` Chinese, ``/en/…`` English) with ``hreflang`` alternates and ``x-default`` (the Chinese page)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from ambassadors.models import Ambassador

from .models import Project, RenewalZone, ResearchInstitute, SigningEvent


class LanguageSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class StaticPagesSitemap(LanguageSitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self) -> list[str]:
        return [
            "projects:home",
            "projects:project_list",
            "projects:event_list",
            "ambassadors:ambassador_list",
            "projects:institute_list",
            "projects:zone_list",
            "projects:map",
            "portal:interest",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class PublishedSitemap(LanguageSitemap):
    """Published records of one model, newest change first."""

    model = None
    changefreq = "weekly"

    def items(self):
        return self.model.objects.public().order_by("-updated_at", "id").only("slug", "updated_at")

    def lastmod(self, obj):
        return obj.updated_at


class ProjectSitemap(PublishedSitemap):
    model = Project
    priority = 0.7


class EventSitemap(PublishedSitemap):
    model = SigningEvent


class InstituteSitemap(PublishedSitemap):
    model = ResearchInstitute


class ZoneSitemap(PublishedSitemap):
    model = RenewalZone


class AmbassadorSitemap(PublishedSitemap):
    model = Ambassador


SITEMAPS = {
    "pages": StaticPagesSitemap,
    "projects": ProjectSitemap,
    "events": EventSitemap,
    "institutes": InstituteSitemap,
    "zones": ZoneSitemap,
    "ambassadors": AmbassadorSitemap,
}
