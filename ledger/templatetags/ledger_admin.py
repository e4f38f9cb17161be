"""Admin template helpers of the core: what was returned to the signed-in person."""

from django import template
from django.urls import reverse

from ..revisions import returned_to

register = template.Library()


@register.inclusion_tag("admin/returned_summary.html", takes_context=True)
def returned_summary(context):
    request = context["request"]
    items = [
        {"label": model._meta.verbose_name, "count": count,
         "url": reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")}
        for model, count in returned_to(request.user)
    ]
    return {"returned_items": items}
