"""
What a public page says about itself to machines: its canonical address, OpenGraph, and schema.org
structured data (JSON-LD), all rendered on the server.

- The canonical address is the page's own path in its language on this host, without the query
  string (a filtered or sorted list is the same page as the list), except a page number past the
  first.
- JSON-LD is a data block (``<script type="application/ld+json">``): the browser never runs it, so the
  strict Content-Security-Policy (no inline script) does not apply to it. Its text is JSON with ``<``,
  ``>`` and ``&`` escaped, so no value can close the element.
- The types: the office as a ``GovernmentOrganization`` (home page), a project as a ``Project`` with
  its published investors as funders, a signing conference as an ``Event``, a zone as a ``Place``, a
  research institute as a ``ResearchOrganization`` located in its zone. Only published records and
  public fields, as on the page itself; a date is given only when known to the day.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ledger.models import DatePrecision
from ledger.permissions import shown
from ledger.templatetags.qingshan import localized
from projects.models import Project, RenewalZone, ResearchInstitute, SigningEvent

SCHEMA = "https://schema.org"
DISTRICT = {"@type": "AdministrativeArea", "name": "武汉市青山区"}
OG_LOCALES = {"zh-hans": "zh_CN", "en": "en_US"}
_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def canonical_url(request: HttpRequest) -> str:
    page = request.GET.get("page", "")
    query = f"?page={page}" if page.isascii() and page.isdigit() and int(page) > 1 else ""
    return request.build_absolute_uri(request.path) + query


def og_locales() -> tuple[str, list[str]]:
    """This page's OpenGraph locale and the other languages it exists in."""
    current = OG_LOCALES.get(get_language() or "zh-hans", "zh_CN")
    return current, [locale for locale in OG_LOCALES.values() if locale != current]


def json_ld(data: dict[str, Any]) -> SafeString:
    """``data`` as a JSON-LD block that no value can break out of."""
    text = json.dumps({"@context": SCHEMA, **data}, ensure_ascii=False, separators=(",", ":")).translate(_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', SafeString(text))


def office(request: HttpRequest) -> dict[str, Any]:
    return {
        "@type": "GovernmentOrganization",
        "name": _("武汉市青山区招商局"),
        "url": request.build_absolute_uri("/"),
        "areaServed": DISTRICT,
    }


def _absolute(request: HttpRequest, record) -> str:
    return request.build_absolute_uri(record.get_absolute_url())


def _place(zone: RenewalZone | None) -> dict[str, Any] | None:
    zone = shown(zone)
    if zone is None:
        return None
    place: dict[str, Any] = {"@type": "Place", "name": localized(zone), "containedInPlace": DISTRICT}
    if zone.has_point:
        place["geo"] = {"@type": "GeoCoordinates", "latitude": float(zone.latitude),
                        "longitude": float(zone.longitude)}
    return place


def project(request: HttpRequest, record: Project) -> dict[str, Any]:
    data: dict[str, Any] = {"@type": "Project", "name": localized(record), "url": _absolute(request, record)}
    if localized(record, "summary"):
        data["description"] = localized(record, "summary")
    investors = getattr(record, "public_investors", None)
    if investors is None:
        investors = [investor for investor in record.investors.all() if investor.is_published]
    if investors:
        data["funder"] = [{"@type": "Organization", "name": localized(investor)} for investor in investors]
    location = _place(getattr(record, "public_zone", record.zone))
    if location is not None:
        data["location"] = location
    if record.sector is not None:
        data["keywords"] = localized(record.sector)
    return data


def event(request: HttpRequest, record: SigningEvent) -> dict[str, Any]:
    data: dict[str, Any] = {"@type": "Event", "name": localized(record), "url": _absolute(request, record),
                            "startDate": record.held_on.isoformat()}
    if localized(record, "summary"):
        data["description"] = localized(record, "summary")
    if record.place:
        data["location"] = {"@type": "Place", "name": record.place}
    return data


def zone(request: HttpRequest, record: RenewalZone) -> dict[str, Any]:
    data = {**_place(record), "url": _absolute(request, record)}
    if localized(record, "description"):
        data["description"] = localized(record, "description")
    return data


def institute(request: HttpRequest, record: ResearchInstitute) -> dict[str, Any]:
    data: dict[str, Any] = {"@type": "ResearchOrganization", "name": localized(record),
                            "url": _absolute(request, record)}
    if localized(record, "description"):
        data["description"] = localized(record, "description")
    if record.founded_on is not None and record.founded_on_precision == DatePrecision.DAY:
        data["foundingDate"] = record.founded_on.isoformat()
    location = _place(record.zone)
    if location is not None:
        data["location"] = location
    return data


BUILDERS = {Project: project, SigningEvent: event, RenewalZone: zone, ResearchInstitute: institute}


def structured_data(request: HttpRequest, record=None) -> SafeString:
    """The page's JSON-LD: ``record``'s (by its type), or the office's without one."""
    if record is None:
        return json_ld(office(request))
    return json_ld(BUILDERS[type(record)](request, record))
