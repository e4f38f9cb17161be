"""
Reads for the public pages. Every function returns published records only, carries its own
select_related/prefetch_related (so a page runs a fixed number of queries whatever the row count),
and hides related records that are not published themselves (an unpublished investor, event, zone
or institute never reaches a page through a published project).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from ledger.cache import cached_public_data
from ledger.permissions import shown

from .models import Enterprise, Honour, Project, RenewalZone, ResearchInstitute, Sector, SigningEvent
from .stages import Stage

PROJECTS_PER_PAGE = 20
LATEST_PROJECTS = 6


def public_investors() -> QuerySet[Enterprise]:
    return Enterprise.objects.public().select_related("parent").prefetch_related("honours")


def _with_public_relations(queryset: QuerySet[Project]) -> QuerySet[Project]:
    """Projects with their sector, event, zone and published investors (``public_investors``)."""
    return queryset.select_related("sector", "sector__parent", "signing_event", "zone").prefetch_related(
        Prefetch("investors", queryset=public_investors(), to_attr="public_investors")
    )


def hide_unpublished_relations(projects: Iterable[Project]) -> list[Project]:
    """Set ``public_event`` and ``public_zone``: the event and zone when published, else None."""
    projects = list(projects)
    for project in projects:
        project.public_event, project.public_zone = shown(project.signing_event), shown(project.zone)
    return projects


def project_list_queryset() -> QuerySet[Project]:
    """The base of the project list (the FilterSet narrows and orders it)."""
    return _with_public_relations(Project.objects.public())


def latest_projects(*, limit: int = LATEST_PROJECTS) -> list[Project]:
    """The most recently published projects."""
    queryset = project_list_queryset().order_by("-published_at", "-id")[:limit]
    return hide_unpublished_relations(queryset)


def _project_page(queryset: QuerySet[Project], **lookup) -> Project:
    project = (
        _with_public_relations(queryset)
        .prefetch_related(
            Prefetch("institutes", queryset=ResearchInstitute.objects.public(), to_attr="public_institutes"),
            "milestones",
        )
        .get(**lookup)
    )
    return hide_unpublished_relations([project])[0]


def project_detail(slug: str) -> Project:
    """A published project with everything its page shows; raises Project.DoesNotExist."""
    return _project_page(Project.objects.public(), slug=slug)


def project_preview(pk: int) -> Project:
    """Any project (a draft too) with what its public page shows, for the staff preview; its
    unpublished relations stay hidden as the public would see them."""
    return _project_page(Project.objects.all(), pk=pk)


def event_preview(pk: int) -> SigningEvent:
    return SigningEvent.objects.with_recorded_figures(public_only=True).prefetch_related("sectors").get(pk=pk)


def institute_preview(pk: int) -> ResearchInstitute:
    return ResearchInstitute.objects.select_related("zone").get(pk=pk)


def zone_preview(pk: int) -> RenewalZone:
    return _zone_counts(RenewalZone.objects.all()).get(pk=pk)


def public_events() -> QuerySet[SigningEvent]:
    """Published events with their recorded figures (published projects only) and sectors."""
    return (
        SigningEvent.objects.public()
        .with_recorded_figures(public_only=True)
        .prefetch_related("sectors")
        .order_by("-held_on", "-id")
    )


def latest_event() -> SigningEvent | None:
    return public_events().order_by("-held_on", "-id").first()


def event_projects(event: SigningEvent) -> list[Project]:
    queryset = project_list_queryset().filter(signing_event=event).order_by("name", "id")
    return hide_unpublished_relations(queryset)


def public_institutes() -> QuerySet[ResearchInstitute]:
    return ResearchInstitute.objects.public().select_related("zone")


def institute_projects(institute: ResearchInstitute) -> list[Project]:
    queryset = project_list_queryset().filter(institutes=institute).order_by("name", "id")
    return hide_unpublished_relations(queryset)


def _zone_counts(queryset: QuerySet[RenewalZone]) -> QuerySet[RenewalZone]:
    return queryset.annotate(
        public_project_count=Count("projects", filter=Q(projects__is_published=True), distinct=True),
        public_institute_count=Count("institutes", filter=Q(institutes__is_published=True), distinct=True),
    )


def public_zones() -> QuerySet[RenewalZone]:
    return _zone_counts(RenewalZone.objects.public()).order_by("kind", "name", "id")


def zone_projects(zone: RenewalZone) -> list[Project]:
    queryset = project_list_queryset().filter(zone=zone).order_by("name", "id")
    return hide_unpublished_relations(queryset)


def zone_institutes(zone: RenewalZone) -> QuerySet[ResearchInstitute]:
    return ResearchInstitute.objects.public().filter(zone=zone).order_by("name", "id")


@dataclass
class SectorOption:
    """A sector in the filter menu, indented by its depth in the tree."""

    sector: Sector
    depth: int

    @property
    def indent(self) -> str:
        """Visual indentation for a <select> option (options cannot be styled reliably)."""
        return "\u3000" * self.depth + "└ " if self.depth else ""


def sector_options() -> list[SectorOption]:
    """Every sector in tree order (parents before their children), in one query."""
    sectors = list(Sector.objects.order_by("position", "name", "id"))
    by_parent: dict[int | None, list[Sector]] = {}
    for sector in sectors:
        by_parent.setdefault(sector.parent_id, []).append(sector)
    known = {sector.pk for sector in sectors}
    options: list[SectorOption] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for sector in by_parent.get(parent_id, []):
            options.append(SectorOption(sector=sector, depth=depth))
            if depth < 10:
                walk(sector.pk, depth + 1)

    walk(None, 0)
    # Sectors whose parent is missing (cannot happen with PROTECT, but never drop a row silently).
    for parent_id, children in by_parent.items():
        if parent_id is not None and parent_id not in known:
            options.extend(SectorOption(sector=sector, depth=0) for sector in children)
    return options


@dataclass(frozen=True)
class MenuItem:
    """One option of a filter menu: just what the menu shows (cheap to keep in the cache and read back)."""

    slug: str
    name: str
    name_en: str = ""
    indent: str = ""


def _menu(queryset: QuerySet) -> list[MenuItem]:
    return [MenuItem(slug, name, name_en) for slug, name, name_en in queryset.values_list("slug", "name", "name_en")]


# The conference menu of the project filter lists the most recent ones: a ledger holds thousands (the
# 1M demo 2,500: a 172 KB list page, 40 ms of it the options). An older one is chosen from the
# conferences' page, and stays in the menu while it is the filter (``event_menu``).
EVENT_MENU_SIZE = 100


def event_menu(*, events: list[MenuItem], selected: str) -> list[MenuItem]:
    """The conference menu, with the selected conference added when it is older than the menu's."""
    if not selected or any(item.slug == selected for item in events):
        return events
    older = _menu(SigningEvent.objects.public().filter(slug=selected))  # one query, only then
    return [*events, *older]


def _filter_choices() -> dict:
    return {
        "sectors": [MenuItem(option.sector.slug, option.sector.name, option.sector.name_en, option.indent)
                    for option in sector_options()],
        "zones": _menu(RenewalZone.objects.public().order_by("kind", "name")),
        "events": _menu(SigningEvent.objects.public().order_by("-held_on", "name")[:EVENT_MENU_SIZE]),
        "honours": _menu(Honour.objects.order_by("position", "name")),
    }


def filter_choices() -> dict:
    """The menus of the project filter form (published zones and events only).

    They change only when the records do, so they come from the public data cache: one query (the
    data version) per request, four when the data has changed.
    """
    return {**cached_public_data("filter-choices", _filter_choices), "stages": Stage.choices}
