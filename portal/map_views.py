"""The public 招商地图 page and its data (JSON for the map script; the list beside the map is HTML)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ledger.filters import SEARCH_MAX_LENGTH
from ledger.views import bad_request_page, has_nul
from projects.maps import KINDS, map_places


def _choice(request: HttpRequest):
    """The kinds and words asked for, or an error message (a clear 400, never a 500)."""
    kinds = request.GET.getlist("kind")
    unknown = [kind for kind in kinds if kind not in KINDS]
    if unknown:
        return None, None, _("没有这种地点类型：请从列表中选择。")
    q = request.GET.get("q", "").strip()
    if len(q) > SEARCH_MAX_LENGTH:
        return None, None, _("关键词最多 %(count)d 个字。") % {"count": SEARCH_MAX_LENGTH}
    return kinds, q, None


@require_safe
def map_page(request: HttpRequest) -> HttpResponse:
    if has_nul(request):
        return bad_request_page(request, _("查询条件中含有不允许的字符。"))
    kinds, q, error = _choice(request)
    if error:
        return bad_request_page(request, error)
    places = map_places(kinds=kinds, q=q)
    groups = [(key, label, [place for place in places if place.kind == key]) for key, label in KINDS.items()]
    query = request.GET.urlencode()
    context = {
        "places": places,
        "groups": [group for group in groups if group[2]],
        "kinds": KINDS.items(),
        "chosen_kinds": kinds,
        "q": q,
        "data_url": reverse("projects:map_data") + (f"?{query}" if query else ""),
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "center": "{},{}".format(*settings.MAP_CENTER),
        "zoom": settings.MAP_ZOOM,
    }
    return render(request, "projects/map.html", context)


@require_safe
def map_data(request: HttpRequest) -> HttpResponse:
    if has_nul(request):
        return JsonResponse({"detail": _("查询条件中含有不允许的字符。")}, status=400)
    kinds, q, error = _choice(request)
    if error:
        return JsonResponse({"detail": error}, status=400)
    return JsonResponse({"places": [place.as_json() for place in map_places(kinds=kinds, q=q)]})
