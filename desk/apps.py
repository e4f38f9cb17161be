from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    name = "desk"
    verbose_name = _("工作台")

    def ready(self) -> None:
        # Real progress (visits, resolved 督办 items) feeds the stalled list; returns and publications notify;
        # the digest and the escalation are kinds of job (``--background``).
        from . import hooks, jobs  # noqa: F401

        hooks.register()
