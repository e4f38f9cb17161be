"""常用筛选: a person's named changelist filters, one list per admin changelist."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

NAME_MAX_LENGTH = 60
QUERY_MAX_LENGTH = 2000


class SavedFilter(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters", verbose_name=_("用户")
    )
    changelist = models.CharField(_("列表"), max_length=100, help_text=_("app_label.model_name"))
    name = models.CharField(_("名称"), max_length=NAME_MAX_LENGTH)
    query = models.CharField(_("筛选条件"), max_length=QUERY_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("常用筛选")
        verbose_name_plural = _("常用筛选")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "changelist", "name"], name="savedfilter_one_name_per_list"),
            models.CheckConstraint(condition=~Q(name=""), name="savedfilter_name_not_blank"),
        ]

    def __str__(self) -> str:
        return self.name
