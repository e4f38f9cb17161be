"""The chains' sections of sitemap.xml (settings.QINGSHAN_SITEMAPS): their list page and every published chain."""

from projects.sitemaps import PublishedSitemap, StaticPagesSitemap

from .models import Chain


class ChainPagesSitemap(StaticPagesSitemap):
    pages = ["chains:chain_list"]


class ChainSitemap(PublishedSitemap):
    model = Chain
