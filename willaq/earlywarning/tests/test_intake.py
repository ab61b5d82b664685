"""The one door of every channel: exactly once per (channel, client id), validated, raw kept."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from willaq.accounts.models import Institution, User
from willaq.audit.models import AuditEvent, AuditLog
from willaq.earlywarning.choices import Channel, ReviewState
from willaq.earlywarning.models import PreAlert
from willaq.earlywarning.services.intake import Attachment, receive_prealert

pytestmark = pytest.mark.django_db

DATA = {
    "ubigeo": "080701",
    "description": "Comuneros anuncian paro indefinido.",
    "measures": "Paro de 72 horas",
    "measures_date": "2026-12-05",
    "urgency": "high",
}


def _receive(
    institution: Institution, client_id: str = "abc-1", **extra: Any
) -> tuple[PreAlert, bool]:
    kwargs: dict[str, Any] = {
        "channel": Channel.API,
        "client_id": client_id,
        "institution": institution,
        "data": DATA,
        "raw_payload": '{"raw": true}',
    }
    kwargs.update(extra)
    return receive_prealert(**kwargs)


def test_a_retry_returns_the_first_prealert(owner_institution: Institution) -> None:
    first, created = _receive(owner_institution)
    again, created_again = _receive(owner_institution)
    assert created
    assert not created_again
    assert again.pk == first.pk
    assert PreAlert.objects.count() == 1
    assert AuditLog.objects.filter(event_type=AuditEvent.PREALERT_RECEIVED).count() == 1
    assert first.state == ReviewState.RECEIVED
    assert first.ubigeo is not None
    assert first.department_code == first.ubigeo.department_code
    assert first.raw_payload == '{"raw": true}'


def test_the_same_client_id_on_another_channel_is_another_prealert(
    owner_institution: Institution,
) -> None:
    _receive(owner_institution)
    _receive(owner_institution, channel=Channel.WEB)
    assert PreAlert.objects.count() == 2


def test_bad_fields_are_named_and_nothing_is_written(owner_institution: Institution) -> None:
    bad = {"ubigeo": "999999", "description": "", "urgency": "panic", "latitude": "95"}
    with pytest.raises(ValidationError) as error:
        _receive(owner_institution, data=bad)
    assert set(error.value.message_dict) == {"ubigeo", "description", "urgency", "latitude"}
    assert "999999" in error.value.message_dict["ubigeo"][0]
    assert PreAlert.objects.count() == 0


def test_an_unstructured_text_needs_no_place(owner_institution: Institution) -> None:
    prealert, created = _receive(
        owner_institution,
        channel=Channel.SMS,
        data={"description": "xx ?? paro"},
        structured=False,
        sender="+51999000111",
        unknown_sender=True,
    )
    assert created
    assert not prealert.is_structured
    assert prealert.ubigeo is None
    assert prealert.unknown_sender


def test_attachments_are_checked_before_anything_is_written(
    owner_institution: Institution, field_reporter: User
) -> None:
    photo = Attachment("foto.jpg", "image/jpeg", b"\xff\xd8\xff" + b"0" * 100)
    exe = Attachment("virus.exe", "application/octet-stream", b"MZ")
    with pytest.raises(ValidationError) as error:
        _receive(owner_institution, attachments=[photo, exe])
    assert "virus.exe" in error.value.message_dict["attachments"][0]
    assert PreAlert.objects.count() == 0
    prealert, _ = _receive(owner_institution, attachments=[photo], submitted_by=field_reporter)
    assert prealert.attachments.count() == 1
    assert prealert.attachments.get().size == 103
