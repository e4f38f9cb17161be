from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SavedFiltersConfig(AppConfig):
    name = "savedfilters"
    verbose_name = _("常用筛选")
    default_auto_field = "django.db.models.BigAutoField"
