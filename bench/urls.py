"""The site's URLs plus one trivial view: the framework floor the benchmark compares every page with.

Used only by ``bench/run.py`` (it sets ROOT_URLCONF to this module in its own process); the
production URLconf never includes it.
"""

from django.http import HttpResponse
from django.urls import path

from qingshan.urls import handler404, handler500  # noqa: F401
from qingshan.urls import urlpatterns as site_urlpatterns


def floor(request):
    """A trivial view on the same stack (every middleware, same settings): what any page costs at least."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


urlpatterns = [path("__bench__/floor/", floor, name="bench_floor"), *site_urlpatterns]
