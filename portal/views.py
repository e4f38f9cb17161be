"""
Public pages: published records and public fields only.

Reads go through ``projects.selectors`` (fixed query counts, unpublished relations hidden) and
``figures.public`` (the headline figures); list filters through the shared FilterSets, so a
filter means the same here as in the API. Bad input never raises: a filter value that does not
validate is reported on the page (status 400) and ignored, a page number past the end is a 404.
"""

from functools import partial

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from figures import public
from ledger.charts import Bar, bar_chart, funnel_chart
from ledger.models import Revision
from ledger.paginators import CappedCountPaginator
from ledger.permissions import shown
from ledger.preview import register_preview
from ledger.revisions import apply_revision
from ledger.templatetags.qingshan import list_url, localized, money
from ledger.views import bad_request_page, filter_errors, filtered_list, get_public_or_404, has_nul, paginate
from projects import selectors
from projects.filters import (
    ProjectFilterSet,
    RenewalZoneFilterSet,
    ResearchInstituteFilterSet,
    SigningEventFilterSet,
)
from projects.models import Project, RenewalZone, ResearchInstitute, SigningEvent
from projects.stages import MAIN_PATH, STAGE_DATE_FIELDS, Stage

LIST_PAGE_SIZE = 50


def project_count_text(count: int, amount: str = "") -> str:
    """``3 个项目`` or ``30 亿元 · 3 个项目``."""
    counted = ngettext("%(count)d 个项目", "%(count)d 个项目", count) % {"count": count}
    return f"{amount} · {counted}" if amount else counted


def amount_text(amount_wan, without_amount: int) -> str:
    """``30 亿元``, ``30 亿元（2 个项目未公布）`` or ``未公布``: an unpublished amount never reads 0."""
    if amount_wan is None:
        return _("未公布")
    if without_amount:
        return ngettext("%(amount)s（%(count)d 个项目未公布）", "%(amount)s（%(count)d 个项目未公布）",
                        without_amount) % {"amount": money(amount_wan), "count": without_amount}
    return money(amount_wan)


YEAR_MIN, YEAR_MAX = 1978, 2100


def summary_choice(request: HttpRequest, summary: public.HomeSummary):
    """The year and top-level sector asked for by ``?year=&sector=``, or an error message.

    Validated against the cached summary (no query): a year is a number in 1978–2100, a sector the
    slug of a top-level sector. Without ``year`` the current year if it has signings, else the latest
    year that has.
    """
    raw_year = request.GET.get("year", "").strip()
    raw_sector = request.GET.get("sector", "").strip()
    if raw_year:
        if not raw_year.isascii() or not raw_year.isdigit() or not YEAR_MIN <= int(raw_year) <= YEAR_MAX:
            return None, None, _("年份应为 %(min)d 至 %(max)d 之间的四位数字。") % {"min": YEAR_MIN, "max": YEAR_MAX}
        year = int(raw_year)
    else:
        current = summary.figures.year
        year = current if current in summary.signed_years or not summary.signed_years else summary.signed_years[0]
    sector = None
    if raw_sector:
        sector = next((item for item in summary.top_sectors if item.slug == raw_sector), None)
        if sector is None:
            return None, None, _("没有这个一级产业领域：请从列表中选择。")
    return year, sector, None


def summary_links(projects_url: str, year: int, sector) -> dict[str, str]:
    """The public list behind each figure of the year summary (the same conditions as the figure)."""
    scope = {"sector": sector.slug if sector is not None else None, "counted": "true"}
    return {
        "signed": list_url(projects_url, year=year, signed="true", **scope),
        "amount": list_url(projects_url, year=year, signed="true", ordering="-total_investment", **scope),
        "started": list_url(projects_url, year=year, signed="true", started="true", **scope),
        "in_production": list_url(projects_url, production_year=year, **scope),
        "same_year": list_url(projects_url, year=year, same_year="true", **scope),
    }


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    if has_nul(request):
        return bad_request_page(request, _("查询条件中含有不允许的字符。"))
    version = public.data_version()
    summary = public.home_summary(version=version)
    year, chosen_sector, error = summary_choice(request, summary)
    if error:
        return bad_request_page(request, error)
    figures = summary.figures
    projects_url = reverse("projects:project_list")
    by_sector = summary.by_sector
    # Most single projects have no published amount: when none has, chart how many were signed instead.
    by_amount = any(item.investment_wan for item in by_sector)
    sector_bars = [
        Bar(
            label=localized(item.sector) if item.sector is not None else _("未分类"),
            value=(item.investment_wan or 0) if by_amount else item.project_count,
            value_text=project_count_text(
                item.project_count, amount_text(item.investment_wan, item.without_amount) if by_amount else ""
            ),
            url=list_url(projects_url, reached=Stage.SIGNED, counted="true",
                         **({"sector": item.sector.slug} if item.sector is not None else {"no_sector": "true"})),
        )
        for item in by_sector
    ]
    sector_title = _("签约投资额（按产业领域）") if by_amount else _("签约项目数（按产业领域）")
    funnel_bars = [
        Bar(label=str(step.label) if step.stage != MAIN_PATH[0] else _("全部项目（自在谈起）"),
            value=step.count, value_text=str(step.count),
            url=list_url(projects_url, reached=step.stage, counted="true"))
        for step in summary.funnel
    ]
    context = {
        "figures": figures,
        "projects_url": projects_url,
        "sector_bars": sector_bars,
        "sector_title": sector_title,
        "sector_by_amount": by_amount,
        "sector_chart": bar_chart(
            chart_id="chart-sector", title=sector_title,
            description=_("已发布的已签约项目，按一级产业领域汇总；未填写产业领域的计入“未分类”。"), bars=sector_bars,
        ) if sector_bars else None,
        "funnel_bars": funnel_bars,
        "funnel_chart": funnel_chart(
            chart_id="chart-funnel", title=_("项目推进漏斗"),
            description=_("已发布项目中曾达到各阶段的项目数（不是目前处于该阶段的项目数）。"), bars=funnel_bars,
        ) if any(bar.value for bar in funnel_bars) else None,
    }
    years = summary.signed_years if year in summary.signed_years else sorted({*summary.signed_years, year}, reverse=True)
    context.update({
        "latest_event": summary.latest_event,
        "latest_projects": summary.latest_projects,
        "summary_years": years,
        "summary_sectors": summary.top_sectors,
        "summary": public.year_summary(year=year, sector=chosen_sector, version=version),
        "summary_links": summary_links(projects_url, year, chosen_sector),
        "summary_chosen": "year" in request.GET or "sector" in request.GET,
        # What the office announced, each beside the ledger's own count of the same thing (never summed).
        "announced": [
            (item, summary_links(projects_url, item.year, None)[item.figure.yardstick] if item.figure.yardstick else "")
            for item in public.announced_figures(version=version)
        ],
    })
    return render(request, "home.html", context)


@require_safe
def project_list(request: HttpRequest) -> HttpResponse:
    if has_nul(request):
        return bad_request_page(request, _("查询条件中含有不允许的字符。"))
    filterset = ProjectFilterSet(request.GET or None, queryset=selectors.project_list_queryset(), request=request)
    errors = filter_errors(filterset) if filterset.is_bound and not filterset.is_valid() else []
    search = filterset.search_branches()
    page = paginate(request, filterset.qs, selectors.PROJECTS_PER_PAGE,
                    paginator_class=partial(CappedCountPaginator, search=search))
    projects = selectors.hide_unpublished_relations(page.object_list)
    active = {key for key, values in request.GET.lists() if key != "page" and any(values)}
    choices = selectors.filter_choices()
    choices["events"] = selectors.event_menu(events=choices["events"], selected=request.GET.get("event", ""))
    context = {
        "filterset": filterset,
        "filter_errors": errors,
        "page": page,
        "projects": projects,
        "choices": choices,
        "params": request.GET,
        "selected_stages": request.GET.getlist("stage"),
        "has_filters": bool(active),
        "advanced_open": bool(active - {"q", "ordering"}),
    }
    return render(request, "projects/project_list.html", context, status=400 if errors else 200)


@require_safe
def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        project = selectors.project_detail(slug)
    except Project.DoesNotExist as exc:
        raise Http404(_("没有找到该项目。")) from exc
    return project_page(request, project)


def project_page(request: HttpRequest, project: Project) -> HttpResponse:
    return render(request, "projects/project_detail.html", {"project": project, "timeline": timeline(project)})


def project_preview(request: HttpRequest, pk: int, revision: Revision | None) -> HttpResponse:
    """The staff preview of a project (``ledger.preview``), with a pending revision's values applied."""
    project = selectors.project_preview(pk)
    if revision is not None:
        m2m = apply_revision(project, revision)
        project.public_event, project.public_zone = shown(project.signing_event), shown(project.zone)
        if "investors" in m2m:
            project.public_investors = list(selectors.public_investors().filter(pk__in=m2m["investors"]))
    return project_page(request, project)


def timeline(project: Project) -> list[dict]:
    """The main-path steps after 在谈, each with its date (as precise as the source) and whether reached."""
    current = MAIN_PATH.index(project.stage) if project.stage in MAIN_PATH else -1
    steps = []
    for index, stage in enumerate(MAIN_PATH[1:], start=1):
        date_field = STAGE_DATE_FIELDS[stage]
        date = getattr(project, date_field)
        steps.append(
            {
                "stage": stage,
                "label": Stage(stage).label,
                "date": date,
                "precision": getattr(project, f"{date_field}_precision"),
                "reached": date is not None or index <= current,
                "current": project.stage == stage,
            }
        )
    return steps


@require_safe
def event_list(request: HttpRequest) -> HttpResponse:
    return filtered_list(request, SigningEventFilterSet, selectors.public_events(),
                         template="projects/event_list.html", per_page=LIST_PAGE_SIZE)


@require_safe
def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return event_page(request, get_public_or_404(selectors.public_events(), slug, _("没有找到该签约活动。")))


def event_page(request: HttpRequest, event: SigningEvent) -> HttpResponse:
    return render(request, "projects/event_detail.html", {"event": event, "projects": selectors.event_projects(event)})


@require_safe
def institute_list(request: HttpRequest) -> HttpResponse:
    return filtered_list(request, ResearchInstituteFilterSet, selectors.public_institutes(),
                         template="projects/institute_list.html", per_page=LIST_PAGE_SIZE)


@require_safe
def institute_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return institute_page(request, get_public_or_404(selectors.public_institutes(), slug, _("没有找到该研究院。")))


def institute_page(request: HttpRequest, institute: ResearchInstitute) -> HttpResponse:
    context = {"institute": institute, "zone": shown(institute.zone), "projects": selectors.institute_projects(institute)}
    return render(request, "projects/institute_detail.html", context)


@require_safe
def zone_list(request: HttpRequest) -> HttpResponse:
    return filtered_list(request, RenewalZoneFilterSet, selectors.public_zones(),
                         template="projects/zone_list.html", per_page=LIST_PAGE_SIZE)


@require_safe
def zone_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return zone_page(request, get_public_or_404(selectors.public_zones(), slug, _("没有找到该片区。")))


def zone_page(request: HttpRequest, zone: RenewalZone) -> HttpResponse:
    context = {
        "zone": zone,
        "projects": selectors.zone_projects(zone),
        "institutes": list(selectors.zone_institutes(zone)),
    }
    return render(request, "projects/zone_detail.html", context)


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    return render(request, "robots.txt", {"sitemap_url": sitemap_url}, content_type="text/plain; charset=utf-8")


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", {"request_path": request.path}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """The friendly 500 page, rendered without the request context (which may be what failed)."""
    try:
        body = loader.get_template("500.html").render({})
    except Exception:  # the error page itself must never fail
        body = "<!doctype html><title>500</title><h1>Server error / 服务器错误</h1>"
    return HttpResponse(body, status=500)


def _previewing(load, page):
    """A preview renderer: the record loaded whatever its state, a pending revision's values applied."""

    def render_preview(request: HttpRequest, pk: int, revision: Revision | None) -> HttpResponse:
        record = load(pk)
        if revision is not None:
            apply_revision(record, revision)
        return page(request, record)

    return render_preview


register_preview(Project, project_preview)
register_preview(SigningEvent, _previewing(selectors.event_preview, event_page))
register_preview(ResearchInstitute, _previewing(selectors.institute_preview, institute_page))
register_preview(RenewalZone, _previewing(selectors.zone_preview, zone_page))
