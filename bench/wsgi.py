"""The WSGI application the benchmark's gunicorn serves: the site's, with ``bench.urls`` as URLconf.

    gunicorn bench.wsgi:application     (bench/serve.py starts it; never used in production)

Same settings module as ``qingshan.wsgi`` (production when DJANGO_DEBUG=0), same middleware; the only
difference is the URLconf, which adds the benchmark's trivial view (the floor) and the plain ListView
baseline of the admin changelist (``bench/urls.py``) in front of the site's URLs.
"""

import os

import django
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler

from qingshan.settings import default_settings_module

os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_settings_module())
django.setup(set_prefix=False)
settings.ROOT_URLCONF = "bench.urls"
application = WSGIHandler()
