"""A streamed export of many rows stays within a memory bound: 100,000 events (a ~22 MB CSV)
stream through the public view while Python's peak allocation stays under 8 MB,
which building the file in memory (the rows, or the text) could not."""

import datetime as dt
import tracemalloc
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.test import Client

from willaq.accounts.models import Institution
from willaq.cases.choices import ActorTypeCode, EventType, SubEventType
from willaq.cases.models import Event
from willaq.territory.models import Ubigeo

pytestmark = pytest.mark.django_db(transaction=True)

EVENTS = 100_000
PEAK_BOUND = 8 * 1024 * 1024  # bytes; the CSV alone is about 22 MB


def _events(institution: Institution, ubigeo: Ubigeo) -> Iterator[list[Event]]:
    start = dt.date(2020, 1, 1)
    batch: list[Event] = []
    for n in range(EVENTS):
        batch.append(
            Event(
                institution=institution,
                event_date=start + dt.timedelta(days=n % 2000),
                event_type=EventType.PROTESTS,
                sub_event_type=SubEventType.PEACEFUL_PROTEST,
                actor1="Protesters (Peru)",
                assoc_actor_1="Comunidad campesina de prueba",
                inter1=ActorTypeCode.PROTESTERS,
                ubigeo=ubigeo,
                location=f"Localidad {n}",
                notes="NOTA-PRIVADA",
            )
        )
        if len(batch) == 5000:
            yield batch
            batch = []


def test_streaming_events_csv_within_a_memory_bound(other_institution):
    # A transactional test: an earlier one may have emptied the territory loaded per session.
    call_command("load_territory", verbosity=0)
    ubigeo = Ubigeo.objects.get(code="021801")
    for batch in _events(other_institution, ubigeo):
        Event.objects.bulk_create(batch)
    assert Event.objects.count() == EVENTS

    client = Client()
    # Once before measuring: the first request imports the URLconf, the API and their modules.
    assert client.get("/datos/eventos.csv?date_from=2100-01-01").status_code == 200
    tracemalloc.start()
    try:
        response = client.get("/datos/eventos.csv")
        assert response.status_code == 200
        assert response.streaming
        lines = size = 0
        private = False
        for chunk in response.streaming_content:
            lines += chunk.count(b"\n")
            size += len(chunk)
            private = private or b"NOTA-PRIVADA" in chunk
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert lines == EVENTS + 1  # the header and one line per event
    assert not private
    assert size > 2.5 * PEAK_BOUND  # the file is far larger than the bound
    assert peak < PEAK_BOUND, f"peak {peak / 1e6:.1f} MB"
