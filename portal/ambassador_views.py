"""Public ambassador pages: public fields only (never phone, email or staff notes), public leads only."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ambassadors import selectors
from ambassadors.filters import AmbassadorFilterSet
from ledger.views import bad_request_page, filter_errors, get_public_or_404, has_nul, paginate

AMBASSADORS_PER_PAGE = 60


@require_safe
def ambassador_list(request: HttpRequest) -> HttpResponse:
    if has_nul(request):
        return bad_request_page(request, _("查询条件中含有不允许的字符。"))
    filterset = AmbassadorFilterSet(request.GET or None, queryset=selectors.public_ambassadors(), request=request)
    errors = filter_errors(filterset) if filterset.is_bound and not filterset.is_valid() else []
    page = paginate(request, filterset.qs, AMBASSADORS_PER_PAGE)
    context = {
        "filterset": filterset,
        "filter_errors": errors,
        "page": page,
        # Without a search, every published cohort shows, even one whose members are not recorded yet.
        "groups": selectors.ambassadors_by_cohort(
            page.object_list, cohorts=None if filterset.is_bound else selectors.public_cohorts()
        ),
    }
    return render(request, "ambassadors/ambassador_list.html", context, status=400 if errors else 200)


@require_safe
def ambassador_detail(request: HttpRequest, slug: str) -> HttpResponse:
    ambassador = get_public_or_404(selectors.public_ambassadors(), slug, _("没有找到该招商大使。"))
    leads = selectors.public_leads(ambassador)
    cohort = ambassador.cohort if ambassador.cohort is not None and ambassador.cohort.is_published else None
    enterprise = (
        ambassador.enterprise if ambassador.enterprise is not None and ambassador.enterprise.is_published else None
    )
    context = {
        "ambassador": ambassador,
        "cohort": cohort,
        "enterprise": enterprise,
        "leads": leads,
        "projects": selectors.projects_from_leads(leads),
    }
    return render(request, "ambassadors/ambassador_detail.html", context)
