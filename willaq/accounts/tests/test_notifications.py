"""Notifications in the app: the bell's unread count, the page (newest first, a page at a
time), marking one or all read, and the e-mail task (each notification sent once)."""

import pytest
from django.core import mail
from django.test import Client

from willaq.accounts.models import Notification, User
from willaq.accounts.notifications import notify
from willaq.accounts.tasks import email_notifications

pytestmark = pytest.mark.django_db


def _notify(
    users: list[User], title: str = "Orden de despliegue", url: str = ""
) -> list[Notification]:
    return notify(users, kind="test", title=title, body="Texto del aviso.", url=url)


def test_the_bell_counts_the_unread(analyst: User, analyst_client: Client) -> None:
    page = analyst_client.get("/casos/")
    assert 'class="bell"' in page.text
    assert "{# notifications #}" not in page.text
    assert "sin leer" not in page.text
    _notify([analyst])
    _notify([analyst])
    page = analyst_client.get("/casos/")
    assert "Notificaciones: 2 sin leer" in page.text
    assert '<span class="badge badge-count">2</span>' in page.text


def test_the_bell_stops_at_99_plus(analyst: User, analyst_client: Client) -> None:
    Notification.objects.bulk_create(
        Notification(user=analyst, kind="test", title=f"Aviso {i}") for i in range(120)
    )
    assert '<span class="badge badge-count">99+</span>' in analyst_client.get("/casos/").text


def test_no_bell_for_anonymous_visitors(anon_client: Client) -> None:
    assert 'class="bell"' not in anon_client.get("/cuentas/entrar/").text
    assert anon_client.get("/cuentas/notificaciones/").status_code == 302


def test_the_page_lists_mine_newest_first_a_page_at_a_time(
    analyst: User, outsider: User, analyst_client: Client
) -> None:
    for i in range(30):
        _notify([analyst], title=f"Aviso número {i:02d}")
    _notify([outsider], title="Aviso para otra persona")
    first = analyst_client.get("/cuentas/notificaciones/")
    assert first.status_code == 200
    assert first.text.count('class="card notification') == 25
    assert first.text.index("Aviso número 29") < first.text.index("Aviso número 28")
    assert "Aviso para otra persona" not in first.text
    assert "Página 1 de 2" in first.text
    second = analyst_client.get("/cuentas/notificaciones/?page=2")
    assert second.text.count('class="card notification') == 5
    assert "Aviso número 00" in second.text


def test_mark_one_read_and_open_it(
    analyst: User, outsider: User, analyst_client: Client, outsider_client: Client
) -> None:
    (note,) = _notify([analyst], url="/respuesta/")
    url = f"/cuentas/notificaciones/{note.uuid}/leida/"
    # Someone else's notification does not exist for them.
    assert outsider_client.post(url).status_code == 404
    assert analyst_client.get(url).status_code == 405
    response = analyst_client.post(url, {"open": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/respuesta/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert "sin leer" not in analyst_client.get("/cuentas/notificaciones/").text


def test_a_link_outside_willaq_is_not_followed(analyst: User, analyst_client: Client) -> None:
    (note,) = _notify([analyst], url="//evil.example/")
    response = analyst_client.post(f"/cuentas/notificaciones/{note.uuid}/leida/", {"open": "1"})
    assert response["Location"] == "/cuentas/notificaciones/"


def test_mark_all_read(analyst: User, outsider: User, analyst_client: Client) -> None:
    _notify([analyst, outsider])
    _notify([analyst])
    response = analyst_client.post("/cuentas/notificaciones/leidas/", {"page": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/cuentas/notificaciones/?page=1"
    assert Notification.objects.filter(user=analyst, read_at__isnull=True).count() == 0
    assert Notification.objects.filter(user=outsider, read_at__isnull=True).count() == 1


def test_the_email_task_sends_each_notification_once(
    analyst: User, coordinator: User, django_capture_on_commit_callbacks: object
) -> None:
    notes = notify(
        [analyst, coordinator, analyst],
        kind="test",
        title="Plazo por vencer",
        body="Faltan 12 horas.",
        url="/respuesta/",
    )
    assert len(notes) == 2
    ids = [n.pk for n in notes]
    assert email_notifications(ids) == 2
    assert email_notifications(ids) == 0
    assert len(mail.outbox) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["analista@dp.gob.pe", "coord@dp.gob.pe"]
    assert mail.outbox[0].subject == "Plazo por vencer"
    assert "Faltan 12 horas." in mail.outbox[0].body
    assert mail.outbox[0].body.endswith("/respuesta/")
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_notify_queues_the_email_after_commit(
    analyst: User, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:  # type: ignore[operator]
        _notify([analyst])
        assert len(mail.outbox) == 0
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    # Run again by hand (a retry): nothing more.
    assert email_notifications([n.pk for n in Notification.objects.all()]) == 0
    assert len(mail.outbox) == 1
