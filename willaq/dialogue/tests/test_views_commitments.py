import datetime as dt

import time_machine
from django.test import Client
from django.urls import reverse

from willaq.dialogue.tests.conftest import Roundtable


def test_smoke(coordinator_client: Client, outsider_client: Client, roundtable: Roundtable) -> None:
    with time_machine.travel(dt.datetime(2026, 6, 25, 15, tzinfo=dt.UTC), tick=False):
        r = coordinator_client.get(reverse("dialogue:commitments"))
        assert r.status_code == 200, r.content
        r = coordinator_client.get(reverse("dialogue:commitment", args=[roundtable.road.uuid]))
        assert r.status_code == 200
        print(r.content.decode()[-6000:])
        r = outsider_client.get(reverse("dialogue:calendar") + "?mes=2026-03")
        assert r.status_code == 200
        print(r.content.decode()[-3000:])
