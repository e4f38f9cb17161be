"""
Settings modules, in the manner of cookiecutter-django:

- ``qingshan.settings.base``: everything common, read from the environment; with nothing set it is
  a laptop's settings (debug on, SQLite under ``var/``). What ``make run`` uses.
- ``qingshan.settings.production``: base plus what a public server requires (docs/deploy.md).
- ``qingshan.settings.test``: base plus the test suite's overrides (pyproject.toml points pytest at it).

This package holds no settings itself, only the helpers the modules and the entry points share.
"""

import os

_TRUE = {"1", "true", "yes", "on"}


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in _TRUE


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def default_settings_module() -> str:
    """The module manage.py, wsgi and asgi load when ``DJANGO_SETTINGS_MODULE`` is not set.

    Production when ``DJANGO_DEBUG`` is off (the switch docs/deploy.md's environment file sets),
    the laptop's base settings otherwise. Setting ``DJANGO_SETTINGS_MODULE`` chooses explicitly.
    """
    return "qingshan.settings.base" if env_bool("DJANGO_DEBUG", True) else "qingshan.settings.production"
