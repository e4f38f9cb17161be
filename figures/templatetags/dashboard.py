"""``{% yardsticks_dashboard %}``: the yardsticks dashboard on the admin index."""

from django import template

from figures.dashboard import dashboard_context

register = template.Library()


@register.inclusion_tag("admin/figures/dashboard.html", takes_context=True)
def yardsticks_dashboard(context):
    request = context["request"]
    if not request.user.has_perm("projects.view_project"):
        return {"dashboard_hidden": True}
    return {"request": request, **dashboard_context(request)}
