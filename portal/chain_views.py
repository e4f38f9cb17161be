"""Public pages of the industrial chains: the list of chains and one page per chain, each drawn as a
diagram of its links (上游 → 中游 → 下游) that links to what fills each link. Published records and
public fields only; a bad filter is reported with status 400, an unknown chain is a 404."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from chains import selectors
from chains.filters import ChainFilterSet
from chains.models import Chain, ChainNode
from ledger.models import Revision
from ledger.preview import register_preview
from ledger.views import bad_request_page, filter_errors, has_nul, paginate

from .views import LIST_PAGE_SIZE


@require_safe
def chain_list(request: HttpRequest) -> HttpResponse:
    if has_nul(request):
        return bad_request_page(request, _("查询条件中含有不允许的字符。"))
    filterset = ChainFilterSet(request.GET or None, queryset=selectors.public_chains(), request=request)
    errors = filter_errors(filterset) if filterset.is_bound and not filterset.is_valid() else []
    page = paginate(request, filterset.qs, LIST_PAGE_SIZE)
    context = {
        "filterset": filterset,
        "filter_errors": errors,
        "page": page,
        "chains": selectors.with_columns(page.object_list),
    }
    return render(request, "chains/chain_list.html", context, status=400 if errors else 200)


@require_safe
def chain_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        chain = selectors.chain_page(slug)
    except Chain.DoesNotExist as exc:
        raise Http404(_("没有找到该产业链。")) from exc
    return chain_page(request, chain)


def chain_page(request: HttpRequest, chain: Chain) -> HttpResponse:
    return render(request, "chains/chain_detail.html", {"chain": chain})


def chain_preview(request: HttpRequest, pk: int, revision: Revision | None) -> HttpResponse:
    return chain_page(request, selectors.chain_preview(pk, revision=revision))


def node_preview(request: HttpRequest, pk: int, revision: Revision | None) -> HttpResponse:
    return chain_page(request, selectors.node_preview(pk, revision=revision))


register_preview(Chain, chain_preview)
register_preview(ChainNode, node_preview)
