"""Benchmarks: the registry's hot pages, as ratios to a floor measured in the same run.

The floor is GET /health/ (the whole middleware stack and one query). Each benchmark prints its
median time and its ratio to the floor, so results compare across machines. Run: `make bench`.
It builds its own SQLite database under a temporary folder; nothing under var/ is touched.
"""

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmp = tempfile.mkdtemp(prefix="willaq-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{_tmp}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["AXES_ENABLED"] = "0"

import django  # noqa: E402
import django.utils.timezone  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from willaq.accounts.models import Role  # noqa: E402
from willaq.cases.choices import CaseState  # noqa: E402
from willaq.cases.history import cases_as_of  # noqa: E402
from willaq.testing.factories import CaseFactory, EventFactory, InstitutionFactory, member  # noqa: E402

REPEAT = 15


def measure(fn: Callable[[], object]) -> float:
    fn()  # warm up
    samples = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("load_territory", verbosity=0)
    call_command("load_categories", verbosity=0)
    institution = InstitutionFactory(slug="defensoria")
    user = member(institution, Role.ANALYST)
    client = Client()
    client.force_login(user)

    floor = measure(lambda: client.get("/health/"))
    print(f"floor GET /health/: {floor * 1000:.2f} ms")
    results: list[tuple[str, float]] = []
    created = 0
    for size in (50, 500):
        states = list(CaseState)
        for i in range(created, size):
            case = CaseFactory(institution=institution, state=states[i % len(states)])
            EventFactory(case=case)
        created = size
        results.append((f"case list page, {size} cases", measure(lambda: client.get("/casos/"))))
        results.append(
            (f"API GET /cases, {size} cases", measure(lambda: client.get("/api/v1/cases")))
        )
        results.append((f"dashboard, {size} cases", measure(lambda: client.get("/"))))
        results.append(
            (
                f"cases_as_of(now), {size} cases",
                measure(lambda: cases_as_of(django.utils.timezone.now())),
            )
        )
    for label, seconds in results:
        print(f"{label:<34} {seconds * 1000:8.2f} ms  {seconds / floor:6.1f}× floor")


if __name__ == "__main__":
    main()
