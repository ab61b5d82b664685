"""P5, in process: the CPU each request of ``bench/p5_intake.py`` costs, without gunicorn or HTTP.

    .venv/bin/python bench/p5_profile.py                    # 500 of each, CPU ms per request
    .venv/bin/python bench/p5_profile.py -n 2000 --rounds 5
    .venv/bin/python bench/p5_profile.py --profile post     # + cProfile of the POSTs (top 40)
    .venv/bin/python bench/p5_profile.py --profile health --sort cumulative --top 60
    .venv/bin/python bench/p5_profile.py --queries          # the SQL of one POST

The database is ``P5_DATABASE_URL`` (default ``willaq_p5`` on the local PostgreSQL), prepared as
the benchmark prepares it (``bench.p5_intake.prepare``: migrated, the territory, one reporter and
a fresh token; earlier pre-alerts deleted). Settings as the benchmark's server has them: DEBUG
off, the login throttle off, the hourly limit out of reach, persistent connections (one for
the whole run).

Each request is one call of the WSGI application (``config.wsgi.application``) with a built
environ, its answer read and closed, as gunicorn's worker does (so ``request_started`` /
``request_finished`` run, with their connection checks). ``GET /health/`` and ``POST
/api/v1/prealerts`` (token, a new Idempotency-Key each, the benchmark's body) alternate in
``--rounds`` blocks of ``-n`` requests; printed per endpoint: the median and mean of this
process's CPU time per request (``time.process_time``), the median wall time, and the
PostgreSQL backend's CPU per request (its ``/proc/<pid>/stat``, whole-run average: the server
shares the machine's cores with the workers under the benchmark). Medians of CPU time are what
to compare on a machine where other work runs.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("P5_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/willaq_p5")
os.environ["WILLAQ_API_PREALERTS_PER_HOUR"] = "100000000"
os.environ["LOG_LEVEL"] = "WARNING"
# One connection for the whole run (the server's 60 s would reconnect mid-run: a cost of once a
# minute, and the backend's CPU could not be read across it).
os.environ["CONN_MAX_AGE"] = "3600"

from bench.p5_intake import BODY, DATABASE_URL, ensure_database  # noqa: E402  (sets Django up)

ensure_database(DATABASE_URL)

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.p5_intake import prepare  # noqa: E402
from config.wsgi import application  # noqa: E402

BODY_BYTES = json.dumps(BODY).encode()
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def environ(method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None):
    """A WSGI environ as gunicorn builds it for a keep-alive HTTP/1.1 request."""
    env: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": "50000",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_ACCEPT_ENCODING": "identity",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if body:
        env["CONTENT_LENGTH"] = str(len(body))
    for name, value in (headers or {}).items():
        key = name.upper().replace("-", "_")
        if key == "CONTENT_TYPE":
            env[key] = value
        else:
            env[f"HTTP_{key}"] = value
    return env


def call(env: dict[str, Any]) -> tuple[str, bytes]:
    status: list[str] = []

    def start_response(code: str, _headers: list[Any], _exc: Any = None) -> None:
        status.append(code)

    result = application(env, start_response)
    try:
        content = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return status[0], content


def health_request() -> dict[str, Any]:
    return environ("GET", "/health/")


def make_post(token: str) -> Callable[[], dict[str, Any]]:
    def post_request() -> dict[str, Any]:
        return environ(
            "POST",
            "/api/v1/prealerts",
            BODY_BYTES,
            {
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                "Idempotency-Key": str(uuid.uuid4()),
            },
        )

    return post_request


def backend_ticks() -> int:
    """CPU ticks (user + system) of this connection's PostgreSQL backend (a local server)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


class Sample:
    def __init__(self) -> None:
        self.cpu: list[float] = []
        self.wall: list[float] = []
        self.backend_ticks = 0

    def add(self, cpu: float, wall: float) -> None:
        self.cpu.append(cpu)
        self.wall.append(wall)


def run(build: Callable[[], dict[str, Any]], expected: str, n: int, sample: Sample) -> None:
    before = backend_ticks()
    for _ in range(n):
        env = build()
        wall0, cpu0 = time.perf_counter(), time.process_time()
        status, content = call(env)
        cpu1, wall1 = time.process_time(), time.perf_counter()
        if not status.startswith(expected):
            sys.exit(f"{env['REQUEST_METHOD']} {env['PATH_INFO']}: {status} {content[:300]!r}")
        sample.add(cpu1 - cpu0, wall1 - wall0)
    sample.backend_ticks += backend_ticks() - before


def report(name: str, sample: Sample) -> None:
    ms = 1000.0
    count = len(sample.cpu)
    backend = sample.backend_ticks / CLOCK_TICKS / count * ms if count else 0.0
    print(
        f"  {name:24} CPU median {statistics.median(sample.cpu) * ms:6.3f} ms, "
        f"mean {statistics.fmean(sample.cpu) * ms:6.3f} ms; wall median "
        f"{statistics.median(sample.wall) * ms:6.3f} ms; PostgreSQL backend ≈ {backend:5.3f} ms"
        f"  ({count:,} requests)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=500, help="requests per endpoint and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", choices=["post", "health"], help="cProfile these requests")
    parser.add_argument("--sort", default="tottime", help="pstats order (tottime, cumulative)")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--queries", action="store_true", help="print the SQL of one POST")
    args = parser.parse_args()

    token = prepare()
    post_request = make_post(token)
    # Warm-up: imports, the URLconf, the connection, the ubigeo unit in memory, the token's
    # last use (written at most once a minute).
    for _ in range(50):
        call(health_request())
        call(post_request())

    if args.queries:
        with CaptureQueriesContext(connection) as context:
            call(post_request())
        for query in context.captured_queries:
            print(f"  {query['time']}s  {query['sql']}")
        return

    samples = {"GET /health/": Sample(), "POST /api/v1/prealerts": Sample()}
    for _ in range(args.rounds):
        run(health_request, "200", args.n, samples["GET /health/"])
        run(post_request, "201", args.n, samples["POST /api/v1/prealerts"])
    print(f"P5 in process ({connection.vendor}, {args.rounds} × {args.n} requests each)")
    for name, sample in samples.items():
        report(name, sample)
    health = statistics.median(samples["GET /health/"].cpu)
    post = statistics.median(samples["POST /api/v1/prealerts"].cpu)
    print(f"  POST / health (CPU medians): {post / health:.2f}")

    if args.profile:
        build = post_request if args.profile == "post" else health_request
        profiler = cProfile.Profile(time.process_time)  # CPU, not waits
        profiler.enable()
        for _ in range(args.n):
            call(build())
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
