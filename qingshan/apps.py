"""App configurations of third-party apps, where the office needs another name for them."""

from axes.apps import AppConfig as BaseAxesConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as StaticBaseConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TotpBaseConfig
from django_tasks_db.apps import TasksAppConfig as TasksDatabaseBaseConfig


class AxesConfig(BaseAxesConfig):
    """django-axes (login lock-out) under a Chinese name in the admin."""

    verbose_name = _("登录保护")


class TotpConfig(TotpBaseConfig):
    """django-otp's authenticator apps, named in Chinese in the admin's app list."""

    verbose_name = _("两步验证：验证器应用")


class StaticConfig(StaticBaseConfig):
    """django-otp's recovery codes, named in Chinese in the admin's app list."""

    verbose_name = _("两步验证：备用验证码")


class TasksDatabaseConfig(TasksDatabaseBaseConfig):
    """django-tasks' database queue (the rows behind each job), named in Chinese in the admin's app list."""

    verbose_name = _("后台任务队列")
