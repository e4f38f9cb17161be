import os

from django.core.asgi import get_asgi_application

from qingshan.settings import default_settings_module

# qingshan.settings.production when DJANGO_DEBUG is off (docs/deploy.md), unless set explicitly.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_settings_module())

application = get_asgi_application()
