"""sitemap.xml: the public pages and every published record (nothing else) of the projects, the ambassadors and the chains,
in each language (``/…`` Chinese, ``/en/…`` English) with ``hreflang`` alternates and ``x-default``
(the Chinese page).

The site's sitemap composes these sections with the other apps' (settings.QINGSHAN_SITEMAPS)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from ambassadors.models import Ambassador
from chains.models import Chain
from projects.models import Project, RenewalZone, ResearchInstitute, SigningEvent


class LanguageSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class StaticPagesSitemap(LanguageSitemap):
    """The list pages, by URL name."""

    changefreq = "daily"
    priority = 0.8
    pages = [
        "projects:home",
        "projects:project_list",
        "projects:event_list",
        "projects:institute_list",
        "projects:zone_list",
        "projects:map",
        "portal:interest",
    ]

    def items(self) -> list[str]:
        return self.pages

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


class AmbassadorPagesSitemap(StaticPagesSitemap):
    pages = ["ambassadors:ambassador_list"]


class AmbassadorSitemap(PublishedSitemap):
    model = Ambassador


class ChainPagesSitemap(StaticPagesSitemap):
    pages = ["chains:chain_list"]


class ChainSitemap(PublishedSitemap):
    model = Chain
