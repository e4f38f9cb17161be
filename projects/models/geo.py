"""Where a place is on the map (招商地图): a point and optionally an outline, in WGS-84.

Stored as plain numbers (no GIS extension needed, SQLite included): ``latitude``/``longitude`` in
decimal degrees (WGS-84, what GPS and OpenStreetMap use) and ``outline``, a closed polygon as a
list of ``[latitude, longitude]`` pairs. Chinese commercial base maps (高德, 腾讯, 百度) use
GCJ-02 or BD-09 and would draw these a few hundred metres off; 天地图 uses CGCS2000, which agrees
with WGS-84 to centimetres (docs/map.md). Staff enter points by clicking the admin's map; nothing
is ever guessed (the seed enters none).
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

OUTLINE_MAX_POINTS = 500
OUTLINE_MIN_POINTS = 3


def _coordinate(verbose_name):
    return models.DecimalField(verbose_name, max_digits=9, decimal_places=6, null=True, blank=True)


class MapPlace(models.Model):
    latitude = _coordinate(_("纬度（WGS-84）"))
    longitude = _coordinate(_("经度（WGS-84）"))
    outline = models.JSONField(
        _("轮廓"), null=True, blank=True,
        help_text=_("在地图上依次点击各个拐点绘制；以 [纬度, 经度] 点列表保存（WGS-84）。"),
    )

    class Meta:
        abstract = True

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def clean_map_fields(self) -> dict[str, list]:
        """Errors of the point and outline as messages an office worker can act on."""
        errors: dict[str, list] = {}
        if (self.latitude is None) != (self.longitude is None):
            errors.setdefault("longitude" if self.longitude is None else "latitude", []).append(
                _("纬度和经度须同时填写，或同时留空。"))
        if self.latitude is not None and not Decimal(-90) <= self.latitude <= Decimal(90):
            errors.setdefault("latitude", []).append(_("纬度应在 -90 到 90 之间。"))
        if self.longitude is not None and not Decimal(-180) <= self.longitude <= Decimal(180):
            errors.setdefault("longitude", []).append(_("经度应在 -180 到 180 之间。"))
        if self.outline not in (None, "", []):
            message = outline_error(self.outline)
            if message:
                errors.setdefault("outline", []).append(message)
        elif self.outline in ("", []):
            self.outline = None
        return errors


def outline_error(outline) -> str:
    """Why ``outline`` is not a usable polygon of [latitude, longitude] pairs, or ""."""
    if not isinstance(outline, list):
        return str(_("轮廓应为 [纬度, 经度] 点的列表。"))
    if not OUTLINE_MIN_POINTS <= len(outline) <= OUTLINE_MAX_POINTS:
        return str(_("轮廓须有 %(min)d 至 %(max)d 个点。") % {"min": OUTLINE_MIN_POINTS, "max": OUTLINE_MAX_POINTS})
    for point in outline:
        if (not isinstance(point, list) or len(point) != 2
                or not all(isinstance(value, int | float) and not isinstance(value, bool) for value in point)):
            return str(_("轮廓的每个点应为 [纬度, 经度] 两个数。"))
        if not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180):
            return str(_("轮廓的点超出了经纬度范围。"))
    return ""


def map_constraints(prefix: str) -> list[models.BaseConstraint]:
    """The database's own rules for a place's point (both or neither; in range)."""
    return [
        models.CheckConstraint(
            condition=models.Q(latitude__isnull=True, longitude__isnull=True)
            | models.Q(latitude__isnull=False, longitude__isnull=False),
            name=f"{prefix}_point_complete",
        ),
        models.CheckConstraint(
            condition=models.Q(latitude__isnull=True) | models.Q(latitude__gte=-90, latitude__lte=90),
            name=f"{prefix}_latitude_range",
        ),
        models.CheckConstraint(
            condition=models.Q(longitude__isnull=True) | models.Q(longitude__gte=-180, longitude__lte=180),
            name=f"{prefix}_longitude_range",
        ),
    ]
