"""Generic helpers of the public pages: bad input answered 400 or 404 with a page that says why, never a 500.

Any app's public views use them: a NUL in the query string, a filter form's errors in the reader's
words, a page number past the end, a slug that names no public record.
"""

from django.core.paginator import InvalidPage, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def has_nul(request: HttpRequest) -> bool:
    """A NUL character anywhere in the query string (databases refuse it in text)."""
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists())


def bad_request_page(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "400.html", {"message": message}, status=400)


def paginate(request: HttpRequest, queryset: QuerySet | list, per_page: int, *, paginator_class=Paginator):
    """The requested page; a page number that is not a number or is past the end is a 404."""
    paginator = paginator_class(queryset, per_page)
    try:
        return paginator.page(request.GET.get("page") or 1)
    except InvalidPage as exc:
        raise Http404(_("没有这一页。")) from exc


def filter_errors(filterset) -> list[str]:
    """The filter form's errors as "label: message" lines an ordinary reader understands."""
    lines = []
    for name, messages in filterset.form.errors.items():
        field = filterset.form.fields.get(name)
        label = field.label if field is not None else name
        lines.extend(_("%(label)s：%(message)s") % {"label": label, "message": message} for message in messages)
    return lines


def filtered_list(request: HttpRequest, filterset_class, queryset: QuerySet, *, template: str, per_page: int,
                  extra: dict | None = None) -> HttpResponse:
    """A list page run through its FilterSet, paginated; invalid filters reported with status 400."""
    if has_nul(request):
        return bad_request_page(request, _("查询条件中含有不允许的字符。"))
    filterset = filterset_class(request.GET or None, queryset=queryset, request=request)
    errors = filter_errors(filterset) if filterset.is_bound and not filterset.is_valid() else []
    page = paginate(request, filterset.qs, per_page)
    context = {"filterset": filterset, "filter_errors": errors, "page": page, "objects": page.object_list}
    context.update(extra or {})
    return render(request, template, context, status=400 if errors else 200)


def get_public_or_404(queryset: QuerySet, slug: str, message: str):
    """The record with this slug from a public selector, or a 404 that says what was not found."""
    try:
        return queryset.get(slug=slug)
    except queryset.model.DoesNotExist as exc:
        raise Http404(message) from exc
