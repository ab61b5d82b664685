"""`make run` serves with DEBUG off: static files still load (WhiteNoise) and an unknown address
gets the app's own Spanish 404, not Django's debug page. Checked on a real `runserver`."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own server
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def office_server(tmp_path: Path) -> Iterator[str]:
    """`manage.py runserver` as `make run` starts it (DEBUG off)."""
    port = free_port()
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("WILLAQ_", "DJANGO_")) and key not in {"DEBUG", "SECRET_KEY"}
    }
    environment |= {"DEBUG": "off", "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}"}
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):  # the server is up when it accepts a connection
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert server.poll() is None, "runserver exited"
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_make_run_serves_static_files_and_the_spanish_404(office_server: str) -> None:
    status, css = fetch(office_server + "/static/css/willaq.css")
    assert status == 200
    assert ".visually-hidden" in css
    status, _script = fetch(office_server + "/static/js/willaq.js")
    assert status == 200

    status, page = fetch(office_server + "/no-existe/")
    assert status == 404
    assert "No encontramos esta página" in page
    assert "Page not found" not in page
    assert "URLconf" not in page
