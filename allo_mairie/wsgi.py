import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allo_mairie.settings")
application = get_wsgi_application()

# gunicorn runs no system check: refuse an unsafe production start here (allo_mairie/production.py).
from allo_mairie.production import refuse_unsafe_production  # noqa: E402

refuse_unsafe_production()
