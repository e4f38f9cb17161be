"""The ambassadors' sections of sitemap.xml (settings.QINGSHAN_SITEMAPS): their list page and every published one."""

from projects.sitemaps import PublishedSitemap, StaticPagesSitemap

from .models import Ambassador


class AmbassadorPagesSitemap(StaticPagesSitemap):
    pages = ["ambassadors:ambassador_list"]


class AmbassadorSitemap(PublishedSitemap):
    model = Ambassador
