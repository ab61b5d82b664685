"""A service given a value of the wrong type answers a ValidationError naming the field (as a form
would), never a TypeError from deep inside: scripts and imports call the services directly."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from willaq.accounts.models import Institution, User
from willaq.cases import services
from willaq.cases.models import Case
from willaq.cases.services import PlaceInput
from willaq.testing.factories import CaseFactory

pytestmark = pytest.mark.django_db


def _create(analyst: User, institution: Institution, **data: object) -> Case:
    return services.create_case(
        user=analyst,
        institution=institution,
        data={"name": "Paro", "typology": "socioambiental", **data},
        places=[PlaceInput("021801", True)],
    )


def test_a_date_given_as_iso_text_is_a_date(analyst: User, owner_institution: Institution) -> None:
    case = _create(analyst, owner_institution, start_date="2025-01-31", investment_amount="12.5")
    case.refresh_from_db()
    assert case.start_date == dt.date(2025, 1, 31)
    assert str(case.investment_amount) == "12.50"


def test_wrong_types_are_validation_errors_naming_every_field(
    analyst: User, owner_institution: Institution
) -> None:
    before = Case.objects.count()
    with pytest.raises(ValidationError) as refused:
        _create(
            analyst,
            owner_institution,
            start_date="31/01/2025",
            latitude="norte",
            confidential_fields="description",
        )
    assert set(refused.value.message_dict) == {"start_date", "latitude", "confidential_fields"}
    assert Case.objects.count() == before


def test_event_and_victim_fields_are_typed(analyst: User, owner_institution: Institution) -> None:
    case = CaseFactory(institution=owner_institution)
    with pytest.raises(ValidationError) as refused:
        services.record_event(
            user=analyst,
            case=case,
            data={
                "event_date": "ayer",
                "event_type": "Protests",
                "sub_event_type": "Peaceful protest",
                "actor1": "Protesters (Peru)",
                "inter1": "seis",
                "ubigeo_code": "021801",
            },
        )
    assert set(refused.value.message_dict) == {"event_date", "inter1"}
    event = services.record_event(
        user=analyst,
        case=case,
        data={
            "event_date": "2025-04-02",
            "event_type": "Protests",
            "sub_event_type": "Peaceful protest",
            "actor1": "Protesters (Peru)",
            "inter1": "6",
            "ubigeo_code": "021801",
        },
    )
    assert event.event_date == dt.date(2025, 4, 2)
    with pytest.raises(ValidationError) as victim_refused:
        services.record_victim(
            user=analyst,
            event=event,
            data={"outcome": "injured", "group": "civilian", "age": "treinta"},
        )
    assert set(victim_refused.value.message_dict) == {"age"}


def test_a_save_that_changes_nothing_adds_no_history(
    analyst: User, owner_institution: Institution
) -> None:
    case = _create(analyst, owner_institution, start_date="2025-01-31", description="Texto")
    rows = case.history.count()
    services.update_case(
        user=analyst, case=case, data={"description": "Texto", "start_date": "2025-01-31"}
    )
    assert case.history.count() == rows
    services.update_case(user=analyst, case=case, data={"description": "Otro texto"})
    assert case.history.count() == rows + 1
