"""The admin's map editor: staff click the map to set a place's point, or click its corners to draw an outline.

Used by the zone, institute and project admins (``MapFieldsAdminMixin``). The point goes into the
ordinary latitude/longitude fields and the outline into its JSON field, so the form validates and
saves them like any other field (``models.geo``), through the same services.
"""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class MapEditorWidget(forms.Textarea):
    template_name = "admin/projects/map_editor_widget.html"

    class Media:
        css = {"all": ("vendor/leaflet/leaflet.css", "css/admin_map.css")}
        js = ("vendor/leaflet/leaflet.js", "js/admin_map.js")

    def __init__(self, attrs=None):
        super().__init__(attrs={"rows": 3, "class": "vLargeTextField map-outline-input", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["map"] = {
            "tiles": settings.MAP_TILE_URL,
            "attribution": settings.MAP_TILE_ATTRIBUTION,
            "center": "{},{}".format(*settings.MAP_CENTER),
            "zoom": settings.MAP_ZOOM,
        }
        return context


MAP_FIELDSET = (
    _("地图位置（WGS-84）"),
    {
        "fields": ("latitude", "longitude", "outline"),
        "description": _("在地图上点击设置位置；选择“绘制轮廓”后依次点击各个拐点。坐标为 WGS-84 经纬度"
                         "（GPS、天地图的坐标）；不要填写高德、腾讯、百度地图上量得的 GCJ-02/BD-09 坐标。"),
    },
)


class MapFieldsAdminMixin:
    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "outline":
            kwargs["widget"] = MapEditorWidget
        return super().formfield_for_dbfield(db_field, request, **kwargs)
