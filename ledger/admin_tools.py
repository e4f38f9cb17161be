"""Links another app adds to a record's change page (its object tools), declared instead of shadowed.

An app above the record's app (the desk above projects: 打印项目情况表) registers a tool for the
model from its ``AppConfig.ready()``; the record's admin takes ``ObjectToolsMixin``, which puts the
registered tools into the change page's context, and the site's change form
(``templates/admin/change_form.html``) lists them before the page's own tools. No app overrides
another app's change-form template, so nothing depends on the order of INSTALLED_APPS.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Model
from django.urls import reverse


@dataclass(frozen=True)
class ObjectTool:
    url_name: str  # an admin URL name, reversed with the record's primary key
    label: str
    element_id: str = ""


_TOOLS: dict[str, list[ObjectTool]] = {}


def register_object_tool(model: type[Model], tool: ObjectTool) -> None:
    tools = _TOOLS.setdefault(model._meta.label_lower, [])
    if tool not in tools:
        tools.append(tool)


def object_tools(model: type[Model]) -> list[ObjectTool]:
    return list(_TOOLS.get(model._meta.label_lower, ()))


class ObjectToolsMixin:
    """For a ModelAdmin: the tools registered for its model, as ``extra_object_tools`` (url, label, id)."""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            context["extra_object_tools"] = [
                (reverse(tool.url_name, args=[obj.pk]), tool.label, tool.element_id)
                for tool in object_tools(self.model)
            ]
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)
