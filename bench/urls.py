"""The site's URLs plus two views the benchmark compares pages with.

Used only by ``bench/run.py`` (it sets ROOT_URLCONF to this module in its own process); the
production URLconf never includes it.

- ``floor``: a trivial view on the same stack (every middleware, same settings): what any page costs.
- ``admin_baseline``: a plain Django ``ListView`` of the admin changelist's rows (the same 100
  projects in the same order, the same related records, the same columns in a plain table), staff
  only like the admin: the honest baseline for "the changelist within 3× a ListView".
"""

from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import F
from django.http import HttpResponse
from django.template import engines
from django.urls import path
from django.views.generic import ListView

from projects.models import Project
from qingshan.urls import handler404, handler500  # noqa: F401
from qingshan.urls import urlpatterns as site_urlpatterns

BASELINE_TEMPLATE = engines["django"].from_string(
    "<!doctype html><html lang=\"zh-hans\"><head><title>招商项目</title></head><body><table>"
    "<thead><tr><th>项目名称</th><th>项目阶段</th><th>投资方</th><th>总投资</th><th>签约日期</th>"
    "<th>招商专员</th><th>审核与发布</th></tr></thead><tbody>"
    "{% for p in object_list %}<tr><td><a href=\"/admin/projects/project/{{ p.pk }}/change/\" title=\"{{ p.name }}\">"
    "{{ p.name|truncatechars:16 }}</a></td><td>{{ p.get_stage_display }}</td>"
    "<td>{% for i in p.investors.all %}{{ i.short_name|default:i.name }}{% if not forloop.last %}、{% endif %}{% endfor %}</td>"
    "<td>{{ p.total_investment|default:'—' }}</td><td>{{ p.signed_on|default:'—' }}</td>"
    "<td>{{ p.officer.get_full_name|default:'—' }}</td><td>{{ p.get_review_status_display }}</td></tr>{% endfor %}"
    "</tbody></table></body></html>"
)


def floor(request):
    """A trivial view on the same stack (every middleware, same settings): what any page costs at least."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


class AdminBaseline(ListView):
    """The first 100 rows, no pagination: no COUNT(*) at all (the changelist estimates its count),
    so the baseline is the rendering of the same rows and nothing else."""

    def get_queryset(self):
        return (
            Project.objects.filter(archived_at__isnull=True)
            .select_related("sector", "signing_event", "zone", "officer")
            .prefetch_related("investors")
            .order_by(F("signed_on").desc(nulls_last=True), "-id")[:100]  # the changelist's order
        )

    def render_to_response(self, context, **response_kwargs):
        return HttpResponse(BASELINE_TEMPLATE.render(context, self.request))


urlpatterns = [
    path("__bench__/floor/", floor, name="bench_floor"),
    path("__bench__/admin-baseline/", staff_member_required(AdminBaseline.as_view()), name="bench_admin_baseline"),
    *site_urlpatterns,
]
