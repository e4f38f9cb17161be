#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    from django.core.management import execute_from_command_line

    from qingshan.settings import default_settings_module

    # The laptop's settings with nothing set; production when DJANGO_DEBUG is off (docs/deploy.md).
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_settings_module())

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
