"""P5: pre-alert intake over HTTP under the production server, against a trivial endpoint of the
same server in the same run.

    .venv/bin/python bench/p5_intake.py
    P5_DATABASE_URL=postgres://postgres@127.0.0.1:5432/willaq_p5 .venv/bin/python bench/p5_intake.py

1. A PostgreSQL database of its own (``P5_DATABASE_URL``, by default ``willaq_p5`` on the local
   server; created when missing, emptied of earlier pre-alerts), migrated, with the territory,
   one institution, a reporter account and its personal API token.
2. gunicorn as an office runs it: the production configuration ``gunicorn.conf.py`` (2 workers
   × 4 threads, keep-alive, access log off; persistent database connections, ``CONN_MAX_AGE``),
   DEBUG off, on a free local port.
3. A load generator in this process: ``--threads`` threads, each with one keep-alive HTTP/1.1
   connection, for ``--seconds`` each: ``GET /health/`` (the trivial endpoint: a ``SELECT 1``),
   then ``POST /api/v1/prealerts`` (token auth, a new Idempotency-Key for every request, a real
   body), then ``/health/`` again (the floor is the better of the two).

Prints requests per second of both and the ratio (target: intake ≥ 0.5× the trivial endpoint);
exits non-zero on any error (a status other than 200/201, a broken connection) or when the
created pre-alerts do not match the 201s.
"""

import argparse
import http.client
import json
import os
import runpy
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/willaq_p5"
DATABASE_URL = os.environ.get("P5_DATABASE_URL", DEFAULT_URL)
os.environ["DATABASE_URL"] = DATABASE_URL

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from bench import django_env  # noqa: E402, F401  (sets Django up on DATABASE_URL)
from willaq.accounts.models import (  # noqa: E402
    ApiToken,
    Institution,
    InstitutionKind,
    Role,
    hash_token,
)
from willaq.earlywarning.choices import ReporterLevel  # noqa: E402
from willaq.earlywarning.models import PreAlert, Reporter  # noqa: E402
from willaq.territory.models import Ubigeo  # noqa: E402
from willaq.testing.factories import member  # noqa: E402

TARGET_RATIO = 0.5
BODY = {
    "ubigeo": "080801",
    "location": "Comunidad de Alto Huancané",
    "occurred_on": "2026-03-09",
    "description": "Comuneros anuncian paro indefinido contra la minera.",
    "actors": "Frente de defensa",
    "demands": "Revisión del convenio marco",
    "measures": "Paro de 72 horas",
    "measures_date": "2026-03-16",
    "urgency": "high",
}


def ensure_database(url: str) -> None:
    """Create the benchmark's database when it does not exist."""
    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare() -> str:
    """Migrate, load the territory, and make the reporter and its token; the token's value."""
    call_command("migrate", verbosity=0)
    if not Ubigeo.objects.exists():
        call_command("load_territory", verbosity=0)
    PreAlert.objects.all().delete()
    institution, _created = Institution.objects.get_or_create(
        slug="p5-defensoria",
        defaults={"name": "Defensoría (P5)", "acronym": "P5", "kind": InstitutionKind.OMBUDSMAN},
    )
    reporter = Reporter.objects.filter(institution=institution).select_related("user").first()
    if reporter is None or reporter.user is None:
        user = member(institution, Role.REPORTER, email="p5.reportero@example.pe")
        reporter = Reporter.objects.create(
            institution=institution,
            user=user,
            name="Reportero P5",
            level=ReporterLevel.DISTRICT_GOVERNOR,
        )
    assert reporter.user is not None
    raw = ApiToken.new_raw_value()
    ApiToken.objects.create(
        user=reporter.user, name="p5", prefix=raw[:8], token_hash=hash_token(raw)
    )
    return raw


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int) -> subprocess.Popen[bytes]:
    env = os.environ.copy() | {
        "DATABASE_URL": DATABASE_URL,
        "DEBUG": "0",
        "AXES_ENABLED": "0",
        "LOG_LEVEL": "WARNING",
        # The load is one account: its hourly limit must not be what is measured.
        "WILLAQ_API_PREALERTS_PER_HOUR": "100000000",
    }
    # p5: the production configuration (gunicorn.conf.py: 2 workers × 4 threads, keep-alive),
    # only the address is the benchmark's.
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health/")
            if conn.getresponse().status == 200:
                conn.close()
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn no respondió en 60 s")


class Load:
    """Threads with one keep-alive connection each, hitting one endpoint for a while."""

    def __init__(self, port: int, threads: int, seconds: float) -> None:
        self.port, self.threads, self.seconds = port, threads, seconds
        self.lock = threading.Lock()

    def run(self, request: Any, expected: int) -> tuple[float, int, int, list[str]]:
        done = [0] * self.threads
        errors: list[str] = []
        start = threading.Barrier(self.threads + 1)
        stop_at = [0.0]

        def worker(index: int) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            start.wait()
            while time.monotonic() < stop_at[0]:
                try:
                    method, path, body, headers = request()
                    conn.request(method, path, body=body, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    if response.status != expected:
                        with self.lock:
                            errors.append(f"{method} {path}: {response.status}")
                    else:
                        done[index] += 1
                    if response.getheader("Connection", "").lower() == "close":
                        conn.close()
                        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                except (OSError, http.client.HTTPException) as exc:
                    with self.lock:
                        errors.append(f"{type(exc).__name__}: {exc}")
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            conn.close()

        pool = [threading.Thread(target=worker, args=(i,)) for i in range(self.threads)]
        for thread in pool:
            thread.start()
        began = time.monotonic()
        stop_at[0] = began + self.seconds
        start.wait()
        for thread in pool:
            thread.join()
        elapsed = time.monotonic() - began
        total = sum(done)
        return total / elapsed, total, len(errors), errors[:5]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()

    ensure_database(DATABASE_URL)
    token = prepare()

    port = free_port()
    server = start_server(port)
    try:
        load = Load(port, args.threads, args.seconds)
        body = json.dumps(BODY).encode()

        def health() -> tuple[str, str, None, dict[str, str]]:
            return "GET", "/health/", None, {}

        def intake() -> tuple[str, str, bytes, dict[str, str]]:
            headers = {
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                "Idempotency-Key": str(uuid.uuid4()),
            }
            return "POST", "/api/v1/prealerts", body, headers

        load.run(health, 200)  # warm-up: connections, workers' imports
        health_rps, health_n, health_err, health_msgs = load.run(health, 200)
        intake_rps, intake_n, intake_err, intake_msgs = load.run(intake, 201)
        again_rps, _again_n, again_err, again_msgs = load.run(health, 200)
    finally:
        server.terminate()
        server.wait(timeout=30)

    floor = max(health_rps, again_rps)
    ratio = intake_rps / floor if floor else 0.0
    stored = PreAlert.objects.filter(channel="api").count()
    errors = health_err + intake_err + again_err
    verdict = "OK" if ratio >= TARGET_RATIO and not errors else "POR DEBAJO"
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    max_age = settings.DATABASES["default"]["CONN_MAX_AGE"]
    print(
        f"P5 — ingreso de prealertas por HTTP (gunicorn.conf.py: {conf['workers']} workers × "
        f"{conf['threads']} hilos; PostgreSQL, CONN_MAX_AGE={max_age}), "
        f"{args.threads} conexiones keep-alive, {args.seconds:.0f} s por fase"
    )
    print(
        f"  GET /health/:            {health_rps:8,.0f} sol/s ({health_n:,}; "
        f"repetida: {again_rps:,.0f} sol/s)"
    )
    print(
        f"  POST /api/v1/prealerts:  {intake_rps:8,.0f} sol/s ({intake_n:,}; {stored:,} guardadas)"
    )
    print(f"  razón: {ratio:.2f}× (meta ≥ {TARGET_RATIO}×), errores: {errors} — {verdict}")
    for message in health_msgs + intake_msgs + again_msgs:
        print(f"  error: {message}")
    if errors or stored != intake_n:
        sys.exit(1)
    if ratio < TARGET_RATIO:
        sys.exit(2)


if __name__ == "__main__":
    main()
