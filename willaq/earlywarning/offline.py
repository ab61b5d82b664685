"""What the offline pre-alert form keeps on the phone: the territory list, the files the
service worker precaches (with their revisions) and the web app manifest.

The service worker (``templates/earlywarning/sw.js``, served at ``/prealertas/sw.js`` so that
its scope covers ``/prealertas/``) precaches the static files listed in ``PRECACHED_STATIC``
and the territory list, and keeps the pages in ``CACHED_PAGES`` (network first: they carry the
user's session and CSRF token, so a fresh copy wins whenever there is a connection).
"""

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.db.models import Count, Max
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _

from willaq.territory.models import Level, Ubigeo

WORKBOX_DIR = "vendor/workbox-7.4.1/"
# Static files the form needs with no connection (the page's own and base.html's).
PRECACHED_STATIC = (
    "css/willaq.css",
    "css/prealert.css",
    "js/willaq.js",
    "js/prealert-outbox.js",
    "js/prealert.js",
    "vendor/htmx-2.0.11/htmx.min.js",
    "favicon.svg",
    "img/prealert-icon.svg",
    "img/prealert-icon-192.png",
    "img/prealert-icon-512.png",
)
# The service worker's cache of pages (network first).
PAGES_CACHE = "willaq-prealertas-paginas"
# Background Sync's tag and the outbox's IndexedDB database (static/js/prealert-outbox.js).
SYNC_TAG = "willaq-prealertas"
# Browsers and the service worker keep the territory list this long before asking again (the
# ETag answers 304 when nothing changed).
TERRITORY_MAX_AGE = 7 * 24 * 3600


@dataclass(frozen=True)
class TerritoryList:
    body: bytes
    etag: str  # quoted, as in the header


def _territory_fingerprint() -> tuple[int, int]:
    row = Ubigeo.objects.aggregate(n=Count("id"), last=Max("id"))
    return int(row["n"] or 0), int(row["last"] or 0)


@functools.lru_cache(maxsize=2)
def _territory_list(fingerprint: tuple[int, int]) -> TerritoryList:
    rows: dict[str, list[dict[str, str]]] = {
        "departments": [],
        "provinces": [],
        "districts": [],
    }
    key: dict[str, str] = {
        Level.DEPARTMENT: "departments",
        Level.PROVINCE: "provinces",
        Level.DISTRICT: "districts",
    }
    units = Ubigeo.objects.filter(level__in=key).order_by("search_name", "code")
    for code, name, level, parent in units.values_list("code", "name", "level", "parent__code"):
        item = {"code": code, "name": name}
        if parent:
            item["parent"] = parent
        rows[key[level]].append(item)
    body = json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode()
    digest = hashlib.sha256(body).hexdigest()[:32]
    return TerritoryList(body=body, etag=f'"{digest}"')


def territory_list() -> TerritoryList:
    """Departments, provinces and districts (code, name, parent), sorted by name. Built once
    per process and territory version (the ubigeo table changes only through its loader)."""
    return _territory_list(_territory_fingerprint())


@functools.lru_cache(maxsize=64)
def _file_revision(path: str, mtime: float) -> str:
    return hashlib.md5(Path(path).read_bytes(), usedforsecurity=False).hexdigest()[:16]


def static_revision(name: str) -> str:
    """A short hash of a static file's content: the precache's revision of its URL."""
    found = finders.find(name)
    if not found or isinstance(found, list):
        raise FileNotFoundError(name)
    return _file_revision(str(found), Path(found).stat().st_mtime)


def precache_manifest() -> list[dict[str, str]]:
    """Workbox's precache list: each URL with a revision that changes with its content."""
    entries = [
        {"url": static(name), "revision": static_revision(name)} for name in PRECACHED_STATIC
    ]
    entries.append(
        {
            "url": reverse("earlywarning:prealert_territory"),
            "revision": territory_list().etag.strip('"'),
        }
    )
    entries.append(
        {
            "url": reverse("earlywarning:prealert_manifest"),
            "revision": static_revision("img/prealert-icon.svg"),
        }
    )
    return entries


def scope() -> str:
    """The service worker's scope: /prealertas/ (the form's parent path)."""
    return reverse("earlywarning:prealert_new").rsplit("/", 2)[0] + "/"


def cached_pages() -> list[str]:
    """The pages the service worker keeps for use with no connection."""
    return [reverse("earlywarning:prealert_new"), reverse("earlywarning:my_prealerts")]


def web_app_manifest() -> dict[str, Any]:
    """The installable web app: its name, icons and the page it opens."""
    start = reverse("earlywarning:prealert_new")
    return {
        "id": start,
        "name": _("Willaq · Prealertas"),
        "short_name": _("Prealertas"),
        "description": _(
            "Envíe prealertas de conflictos sociales desde el campo, también sin conexión."
        ),
        "lang": "es-PE",
        "start_url": start,
        "scope": scope(),
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#0b5f7a",
        "icons": [
            {"src": static("img/prealert-icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/prealert-icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("img/prealert-icon.svg"),
                "sizes": "any",
                "type": "image/svg+xml",
                "purpose": "any",
            },
        ],
    }
