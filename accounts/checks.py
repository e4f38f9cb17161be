"""System checks of the project's own settings."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=False)
def two_factor_bypass_only_in_development(app_configs, **kwargs):
    """The developers' second-step bypass (accounts/two_factor.py) is refused when DEBUG is off."""
    if settings.QINGSHAN_TWO_FACTOR_DEV_BYPASS and not settings.DEBUG:
        return [Error(
            "QINGSHAN_TWO_FACTOR_DEV_BYPASS is set while DEBUG is off: the second sign-in step cannot be "
            "skipped outside a developer's machine.",
            hint="Unset QINGSHAN_TWO_FACTOR_DEV_BYPASS (it is for `make run` only).",
            id="qingshan.E014",
        )]
    return []
