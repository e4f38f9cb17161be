"""An Atom feed of newly published projects (published records and public fields only), written by the
office: the feed's ``author`` (RFC 4287 asks one of every feed whose entries name none)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from ledger.templatetags.qingshan import localized, money
from projects import selectors
from projects.models import Project

FEED_SIZE = 30


class LatestProjectsFeed(Feed):
    feed_type = Atom1Feed
    title = _("青山区招商项目：最新发布")
    subtitle = _("青山区招商局最新发布的招商项目。")
    link = reverse_lazy("projects:project_list")
    author_name = _("武汉市青山区招商局")

    def get_object(self, request, *args, **kwargs) -> str:
        """The office's address, absolute (the feed's ``author/uri``)."""
        return request.build_absolute_uri(reverse("projects:home"))

    def author_link(self, home: str) -> str:
        return home

    def items(self) -> list[Project]:
        return selectors.latest_projects(limit=FEED_SIZE)

    def item_title(self, item: Project) -> str:
        return localized(item)

    def item_description(self, item: Project) -> str:
        parts = [localized(item, "summary")]
        if item.sector is not None:
            parts.append(localized(item.sector))
        if item.public_investors:
            parts.append(gettext_now("、").join(localized(investor) for investor in item.public_investors))
        parts.append(f"{item.get_stage_display()} · {money(item.total_investment)}")
        return " | ".join(part for part in parts if part)

    def item_link(self, item: Project) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Project):
        return item.published_at

    def item_updateddate(self, item: Project):
        return item.updated_at
