"""WSGI entry point for gunicorn and other WSGI servers."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coverage_site.settings")

application = get_wsgi_application()

# Before any worker forks (gunicorn preload_app): see coverage_site/warmup.py.
from coverage_site.warmup import warm_up  # noqa: E402 (needs the settings configured above)

warm_up()
