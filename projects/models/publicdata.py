"""The version of everything the public may see (read by ``qingshan.cache.cached_public_data``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicDataVersion(models.Model):
    """A single row whose token changes after every write the public may see.

    Kept in the database, not in the cache, so that every app server agrees on it even when each
    has its own per-process cache, and so that cached figures computed from one state of the
    ledger are never served for another.
    """

    token = models.CharField(_("版本标识"), max_length=32)
    changed_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("公开数据版本")
        verbose_name_plural = _("公开数据版本")

    def __str__(self) -> str:
        return self.token
