"""The public 投资意向 page: the form (own page, reached from project, zone and carrier pages) and the thank-you page.

Never cached (a per-visitor CSRF token is on the page). A submission is refused with 429 past the
per-address rate limit, answered 400 with every error in Chinese when invalid, and otherwise
saved through ``interest.interest_submit`` and redirected to the thank-you page (so a reload does
not submit twice). A filled honeypot gets the thank-you page and saves nothing.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from projects.interest import interest_rate_limited, interest_submit
from projects.models import Project, RenewalZone
from qingshan.client_address import client_address

from .interest_forms import InterestForm


def _subject_from_query(request: HttpRequest) -> dict:
    """The published project or zone named by ``?project=`` / ``?zone=`` (slugs), else nothing."""
    initial = {}
    slug = request.GET.get("project", "")
    if slug and (project := Project.objects.public().filter(slug=slug[:120]).first()) is not None:
        initial["project"] = project
    slug = request.GET.get("zone", "")
    if not initial and slug and (zone := RenewalZone.objects.public().filter(slug=slug[:120]).first()) is not None:
        initial["zone"] = zone
    return initial


def _page(request: HttpRequest, form: InterestForm, *, status: int = 200, refusal: str = "") -> HttpResponse:
    if form.is_bound and hasattr(form, "cleaned_data"):
        form.mark_errors()
    if form.is_bound:
        cleaned = getattr(form, "cleaned_data", {})
        subject = cleaned.get("project") or cleaned.get("zone")
    else:
        subject = form.initial.get("project") or form.initial.get("zone")
    context = {"form": form, "subject": subject, "refusal": refusal,
               "rate_limit": settings.INTEREST_RATE_LIMIT}
    return render(request, "projects/interest_form.html", context, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def interest_form(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, InterestForm(initial=_subject_from_query(request)))
    form = InterestForm(request.POST)
    if interest_rate_limited(address=client_address(request)):
        refusal = _("提交过于频繁：同一网络地址每分钟最多提交 %(limit)d 次，请稍后再试。") % {
            "limit": settings.INTEREST_RATE_LIMIT}
        return _page(request, form, status=429, refusal=refusal)
    if form.is_bot():
        return redirect("portal:interest_thanks")
    if not form.is_valid():
        return _page(request, form, status=400)
    data = form.cleaned_data
    interest_submit(
        organisation=data["organisation"], contact_name=data["contact_name"], phone=data["phone"],
        email=data["email"], message=data["message"], consent=data["consent"], project=data.get("project"),
        zone=data.get("zone"), language=get_language() or "",
    )
    return redirect("portal:interest_thanks")


@require_safe
def interest_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "projects/interest_thanks.html")
