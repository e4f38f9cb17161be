"""常用筛选 on an admin changelist: a person saves the current filters under a name and finds them
again above the table; nobody sees or changes another person's."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext as _

from . import selectors, services


class SavedFiltersMixin:
    """For a ModelAdmin: the saved-filter bar on its changelist (templates/admin/savedfilters/bar.html)."""

    def _changelist_key(self) -> str:
        return f"{self.model._meta.app_label}.{self.model._meta.model_name}"

    def _saved_filters_url_name(self) -> str:
        return f"{self.model._meta.app_label}_{self.model._meta.model_name}_saved_filters"

    def get_urls(self):
        return [
            path("saved-filters/", self.admin_site.admin_view(self.saved_filters_view),
                 name=self._saved_filters_url_name()),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            # A queryset, read only when the bar is rendered (not for an action that redirects).
            "saved_filters": selectors.saved_filter_list(user=request.user, changelist=self._changelist_key()),
            "saved_filters_url": reverse(f"admin:{self._saved_filters_url_name()}", current_app=self.admin_site.name),
            "saved_filters_query": services.filter_query(request.GET.urlencode()),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def saved_filters_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        changelist = reverse(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_changelist",
                             current_app=self.admin_site.name)
        query = request.POST.get("query", "")
        if "delete" in request.POST:
            pk = request.POST["delete"]
            if pk.isdigit() and services.saved_filter_delete(user=request.user, saved_filter_id=int(pk)):
                messages.success(request, _("已删除这个常用筛选。"))
            return HttpResponseRedirect(changelist)
        try:
            saved = services.saved_filter_save(
                user=request.user, changelist=self._changelist_key(), name=request.POST.get("name", ""), query=query
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(f"{changelist}?{services.filter_query(query)}")
        messages.success(request, _("已保存常用筛选“%(name)s”。") % {"name": saved.name})
        return HttpResponseRedirect(f"{changelist}?{saved.query}")
