"""Complaints' fixtures: an empty cache per test (the rate counters live there) and a complaint
of the owner institution with a known identity."""

import datetime as dt
from collections.abc import Iterator

import pytest
from django.core.cache import cache

from willaq.accounts.models import Institution
from willaq.complaints.choices import ComplaintKind
from willaq.complaints.models import Complaint
from willaq.complaints.services.intake import ComplaintInput, submit_complaint

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5f7a1d40000000049454e44ae426082"
)


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def make_complaint(
    institution: Institution,
    text: str = "Vertimiento de aguas grises al río Huatanay",
    **kwargs: object,
) -> Complaint:
    data = {
        "institution": institution,
        "kind": ComplaintKind.DISCHARGE,
        "description": text,
        "ubigeo_code": "080101",
        "complainant_name": "Juana Denunciante",
        "complainant_contact": "+51987111222",
        **kwargs,
    }
    complaint, _created = submit_complaint(ComplaintInput(**data), client_address="10.0.0.9")  # type: ignore[arg-type]
    return complaint


@pytest.fixture
def complaint(owner_institution: Institution) -> Complaint:
    return make_complaint(owner_institution)


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)
