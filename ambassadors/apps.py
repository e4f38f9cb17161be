from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AmbassadorsConfig(AppConfig):
    name = "ambassadors"
    verbose_name = _("招商大使")

    def ready(self) -> None:
        # The service timings (projects.timings) start a project's path at its first lead's referral.
        from . import governance, hooks

        hooks.register()
        governance.register()
