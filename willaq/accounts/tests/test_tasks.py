"""The invitation e-mail travels through a real Celery worker and the embedded filesystem broker."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connection

from config.celery import app as celery_app
from willaq.accounts import services
from willaq.accounts.models import Role, User
from willaq.testing.factories import InstitutionFactory, member


@pytest.mark.django_db(transaction=True)
def test_member_invitation_is_sent_by_the_worker(mailoutbox):
    institution = InstitutionFactory(slug="gore-cusco", name="Gobierno Regional del Cusco")
    admin = member(institution, Role.ADMIN)
    worker_conf = {
        "task_always_eager": False,
    }
    saved = {key: celery_app.conf.get(key) for key in worker_conf}
    celery_app.conf.update(worker_conf)
    try:
        _add_member_through_worker(admin, institution, mailoutbox)
    finally:
        celery_app.conf.update(saved)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["nueva@gorecusco.gob.pe"]
    assert "/cuentas/" in mailoutbox[0].body
    assert not User.objects.get(email="nueva@gorecusco.gob.pe").has_usable_password()


def _close_worker_connection(**kwargs):
    # The worker thread opened its own database connection: close it, or PostgreSQL cannot drop
    # the test database at the end of the run.
    connection.close()


def _add_member_through_worker(admin, institution, mailoutbox):
    task_postrun.connect(_close_worker_connection)
    try:
        _run_worker(admin, institution, mailoutbox)
    finally:
        task_postrun.disconnect(_close_worker_connection)


def _run_worker(admin, institution, mailoutbox):
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        services.add_member(
            user=admin,
            institution=institution,
            email="nueva@gorecusco.gob.pe",
            full_name="Nueva Persona",
            role=Role.ANALYST,
            base_url="http://testserver",
        )
        # The worker picks the task from the broker; wait for its e-mail.
        for _ in range(200):
            if mailoutbox:
                break
            time.sleep(0.05)
