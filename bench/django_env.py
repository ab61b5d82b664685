"""Django for the benchmarks: importing this module sets it up, once, as the scripts need it.

The database is ``DATABASE_URL`` (the regional PostgreSQL registry for P2, P3, P4 and the map;
without one, a fresh SQLite file in a temporary folder, where ``bench/run.py`` builds a small
registry). The login throttle is off (the scripts log in thousands of times) and DEBUG is off
(as an office runs it: no query log growing in memory)."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if not os.environ.get("DATABASE_URL"):
    _tmp = tempfile.mkdtemp(prefix="willaq-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{_tmp}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["AXES_ENABLED"] = "0"
os.environ["DEBUG"] = "0"

import django  # noqa: E402

django.setup()
