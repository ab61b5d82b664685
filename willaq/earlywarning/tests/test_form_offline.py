"""What makes the form work offline: the territory list kept on the phone (ETag, long cache),
the web app manifest and the Workbox service worker (scope, precache list, no CDN)."""

import json

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from willaq.territory.models import Ubigeo

pytestmark = pytest.mark.django_db


def test_the_territory_list_is_whole_and_cached(anon_client: Client) -> None:
    response = anon_client.get("/prealertas/territorio.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "max-age=604800" in response["Cache-Control"]
    etag = response["ETag"]
    assert etag.startswith('"')
    assert len(etag) == 34
    body = json.loads(response.content)
    assert [len(body[k]) for k in ("departments", "provinces", "districts")] == [
        Ubigeo.objects.departments().count(),
        Ubigeo.objects.provinces().count(),
        Ubigeo.objects.districts().count(),
    ]
    assert len(body["departments"]) == 25
    assert len(body["provinces"]) == 196
    assert len(body["districts"]) == 1892
    assert {"code": "080000", "name": "Cusco"} in body["departments"]
    assert {"code": "080701", "name": "Santo Tomás", "parent": "080700"} in body["districts"]
    # Every province and district hangs from a unit of the level above.
    departments = {d["code"] for d in body["departments"]}
    provinces = {p["code"] for p in body["provinces"]}
    assert all(p["parent"] in departments for p in body["provinces"])
    assert all(d["parent"] in provinces for d in body["districts"])

    again = anon_client.get("/prealertas/territorio.json", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""


def test_the_manifest_makes_an_installable_app(anon_client: Client) -> None:
    response = anon_client.get("/prealertas/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["start_url"] == "/prealertas/nueva/"
    assert manifest["scope"] == "/prealertas/"
    assert manifest["display"] == "standalone"
    assert manifest["name"] == "Willaq · Prealertas"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/")), icon["src"]


def test_the_service_worker_covers_the_form_and_precaches_from_this_site(
    anon_client: Client,
) -> None:
    response = anon_client.get("/prealertas/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/prealertas/"
    assert "no-cache" in response["Cache-Control"]
    script = response.content.decode()
    assert "googleapis" not in script
    assert "https://" not in script
    assert 'importScripts("/static/vendor/workbox-7.4.1/workbox-sw.js"' in script
    config = json.loads(script.split("var CONFIG = ", 1)[1].split(";\n", 1)[0])
    assert config["workboxPrefix"] == "/static/vendor/workbox-7.4.1/"
    assert config["pages"] == ["/prealertas/nueva/", "/prealertas/mias/"]
    urls = [entry["url"] for entry in config["precache"]]
    assert len(urls) == len(set(urls)) == 12
    assert "/static/js/prealert.js" in urls
    assert "/static/js/prealert-outbox.js" in urls
    assert "/prealertas/territorio.json" in urls
    territory = anon_client.get("/prealertas/territorio.json")
    revisions = {entry["url"]: entry["revision"] for entry in config["precache"]}
    assert f'"{revisions["/prealertas/territorio.json"]}"' == territory["ETag"]
    for url in urls:
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), url
    # Every Workbox module the worker loads is vendored, with its licence.
    for name in (
        "workbox-sw.js",
        "LICENSE",
        "workbox-core.prod.js",
        "workbox-precaching.prod.js",
        "workbox-routing.prod.js",
        "workbox-strategies.prod.js",
    ):
        assert finders.find(f"vendor/workbox-7.4.1/{name}"), name
