"""gunicorn as production runs Willaq (``gunicorn -c gunicorn.conf.py``; ``bench/p5_intake.py``
uses this very file). Each value can be overridden on the command line or in
``GUNICORN_CMD_ARGS``; see README, "Production server".

- ``WEB_CONCURRENCY`` worker processes (default 2: one per core of a small server);
- ``GUNICORN_THREADS`` threads in each (default 4): a request waiting for PostgreSQL (a commit's
  disk flush) lets another run; each thread keeps its own database connection
  (``CONN_MAX_AGE``), so PostgreSQL needs workers × threads connections (+ Celery's);
- keep-alive 30 s for clients that reuse their connection (a proxy in front, field clients
  sending several pre-alerts);
- no access log (the proxy in front writes one), errors at ``LOG_LEVEL``.
"""

import os

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
keepalive = 30
timeout = 60
accesslog = None
loglevel = os.environ.get("LOG_LEVEL", "warning").lower()
