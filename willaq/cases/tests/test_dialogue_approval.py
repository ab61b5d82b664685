"""Approving or reactivating straight into the dialogue phase needs the mechanism and the
institution's role, on every path: services, the page and the API (one validation)."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from willaq.accounts.models import Institution, User
from willaq.cases import services
from willaq.cases.choices import CaseState, Phase
from willaq.cases.models import Case
from willaq.testing.factories import CaseFactory

pytestmark = pytest.mark.django_db


def _proposed(institution: Institution) -> Case:
    return CaseFactory(institution=institution, state=CaseState.PROPOSED)


def test_service_refuses_approval_into_dialogue_without_mechanism_and_role(
    coordinator: User, owner_institution: Institution
) -> None:
    case = _proposed(owner_institution)
    with pytest.raises(ValidationError) as exc:
        services.transition_case(user=coordinator, case=case, name="approve", phase="dialogue")
    assert sorted(exc.value.message_dict) == ["dialogue_mechanism", "institution_role"]
    case.refresh_from_db()
    assert case.state == CaseState.PROPOSED
    assert case.transitions.count() == 0


def test_service_approves_into_dialogue_and_keeps_mechanism_and_role(
    coordinator: User, owner_institution: Institution
) -> None:
    case = _proposed(owner_institution)
    services.transition_case(
        user=coordinator,
        case=case,
        name="approve",
        phase=Phase.DIALOGUE,
        dialogue_mechanism="mediated",
        institution_role="mediator",
    )
    case.refresh_from_db()
    assert (case.state, case.phase) == (CaseState.ACTIVE, Phase.DIALOGUE)
    assert (case.dialogue_mechanism, case.institution_role) == ("mediated", "mediator")
    # The phase change that used to fail on such a case now works.
    services.change_phase(user=coordinator, case=case, phase=Phase.CRISIS)


def test_reactivation_into_dialogue_follows_the_same_rule(
    coordinator: User, owner_institution: Institution
) -> None:
    case = CaseFactory(institution=owner_institution, state=CaseState.LATENT)
    with pytest.raises(ValidationError):
        services.transition_case(
            user=coordinator, case=case, name="reactivate", phase="dialogue", institution_role="x"
        )
    with pytest.raises(ValidationError):
        services.transition_case(
            user=coordinator,
            case=case,
            name="reactivate",
            phase="early",
            dialogue_mechanism="mediated",
        )


def test_page_approval_into_dialogue_asks_for_mechanism_and_role(
    coordinator_client: Client, owner_institution: Institution
) -> None:
    case = _proposed(owner_institution)
    url = reverse("cases:transition", kwargs={"case_uuid": case.uuid})
    response = coordinator_client.post(url, {"name": "approve", "phase": "dialogue"})
    assert response.status_code == 400
    assert "Indique el mecanismo de diálogo." in response.content.decode()
    response = coordinator_client.post(
        url,
        {
            "name": "approve",
            "phase": "dialogue",
            "dialogue_mechanism": "mediated",
            "institution_role": "mediator",
            "confirmed": "1",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.phase, case.dialogue_mechanism) == (Phase.DIALOGUE, "mediated")


def test_api_approval_into_dialogue(
    coordinator_client: Client, owner_institution: Institution
) -> None:
    case = _proposed(owner_institution)
    url = f"/api/v1/cases/{case.uuid}/transitions"
    response = coordinator_client.post(
        url, {"transition": "approve", "phase": "dialogue"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert sorted(response.json()["errors"]) == ["dialogue_mechanism", "institution_role"]
    response = coordinator_client.post(
        url,
        {
            "transition": "approve",
            "phase": "dialogue",
            "dialogue_mechanism": "mediated",
            "institution_role": "mediator",
        },
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["institution_role"] == "mediator"
