from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("账户与人员")

    def ready(self) -> None:
        # The system check of the two-factor bypass; the sign-in signal of the two-factor step.
        from . import checks, two_factor  # noqa: F401
