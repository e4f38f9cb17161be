"""App configurations of third-party apps, where the office needs another name for them."""

from axes.apps import AppConfig as BaseAxesConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(BaseAxesConfig):
    """django-axes (login lock-out) under a Chinese name in the admin."""

    verbose_name = _("登录保护")
