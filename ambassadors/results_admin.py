"""The staff page of ambassador results (/admin/ambassadors/results/): every record, per cohort and ambassador."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from .results import staff_results


def results_view(request):
    if not request.user.has_perm("ambassadors.view_ambassador"):
        raise PermissionDenied
    context = {
        **admin.site.each_context(request),
        "title": _("招商大使成效"),
        "groups": staff_results(),
    }
    return TemplateResponse(request, "admin/ambassadors/results.html", context)
