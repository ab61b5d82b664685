import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from willaq.core.heap import freeze_after_first_request  # noqa: E402  (needs Django set up)

# Long-lived objects out of the garbage collector's full collections (willaq/core/heap.py).
freeze_after_first_request()
