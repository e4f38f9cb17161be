"""招商地图: the published places that staff have put on the map, by kind (reads only).

Kinds: 片区 (renewal units and areas), 产业载体 (carriers: parks, the chemical park, 青山数谷),
研究院 (institutes and pilot bases) and 项目 (projects). Only published records with a point or an
outline appear; nothing is placed where staff did not place it (a project without its own point is
not drawn at its zone's). Three queries whatever the number of places.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ledger.filters import search_terms
from ledger.templatetags.qingshan import localized

from .models import Project, RenewalZone, ResearchInstitute, ZoneKind
from .sorting import name_sort_key

KINDS = {
    "zone": _("片区"),
    "carrier": _("产业载体"),
    "institute": _("研究院与中试基地"),
    "project": _("招商项目"),
}
MAP_FIELDS = ("pk", "slug", "name", "name_en", "latitude", "longitude", "outline")


@dataclass(frozen=True)
class Place:
    kind: str
    name: str
    url: str
    latitude: float | None
    longitude: float | None
    outline: list | None

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind])

    def as_json(self) -> dict:
        return {"kind": self.kind, "kind_label": self.kind_label, "name": self.name, "url": self.url,
                "lat": self.latitude, "lng": self.longitude, "outline": self.outline}


def _on_map(queryset: QuerySet, terms: list[str]) -> QuerySet:
    queryset = queryset.filter(Q(latitude__isnull=False) | Q(outline__isnull=False))
    for term in terms:
        queryset = queryset.filter(Q(name__icontains=term) | Q(name_en__icontains=term))
    return queryset.order_by("name", "pk")


def _places(kind: str, records: Iterable) -> list[Place]:
    """The records as places, in the reader's order of names (pinyin in Chinese; see ``projects.sorting``)."""
    places = [
        Place(kind=kind, name=localized(record), url=record.get_absolute_url(),
              latitude=float(record.latitude) if record.latitude is not None else None,
              longitude=float(record.longitude) if record.longitude is not None else None,
              outline=record.outline or None)
        for record in records
    ]
    english = (get_language() or "").startswith("en")
    return sorted(places, key=lambda place: place.name.lower() if english else name_sort_key(place.name))


def map_places(*, kinds: Iterable[str] = (), q: str = "") -> list[Place]:
    """The published places on the map of the chosen kinds (all when none), matching every word of ``q``."""
    kinds = [kind for kind in kinds if kind in KINDS] or list(KINDS)
    terms = search_terms(q)
    places: list[Place] = []
    zone_kinds = {"zone", "carrier"} & set(kinds)
    if zone_kinds:
        zones = _on_map(RenewalZone.objects.public(), terms).only(*MAP_FIELDS, "kind")
        if zone_kinds == {"carrier"}:
            zones = zones.filter(kind=ZoneKind.CARRIER)
        elif zone_kinds == {"zone"}:
            zones = zones.exclude(kind=ZoneKind.CARRIER)
        zones = list(zones)
        for kind in ("zone", "carrier"):
            if kind in zone_kinds:
                places += _places(kind, [z for z in zones if (z.kind == ZoneKind.CARRIER) == (kind == "carrier")])
    if "institute" in kinds:
        places += _places("institute", _on_map(ResearchInstitute.objects.public(), terms).only(*MAP_FIELDS))
    if "project" in kinds:
        places += _places("project", _on_map(Project.objects.public(), terms).only(*MAP_FIELDS))
    return places
