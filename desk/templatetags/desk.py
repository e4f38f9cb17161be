"""``{% desk_workbench %}``: 我的工作台 on the admin index."""

from django import template

from ..selectors import desk_for

register = template.Library()


@register.inclusion_tag("admin/desk/workbench.html", takes_context=True)
def desk_workbench(context):
    request = context["request"]
    user = request.user
    if not (user.is_active and user.is_staff):
        return {"desk_hidden": True}
    return {"request": request, "desk": desk_for(user=user)}
