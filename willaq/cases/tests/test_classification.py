"""Each institution classifies any registered case under the PCM methodology (diferencia /
controversia / conflicto social): its own classification, historised with effective dates, on
the service, the API and the page. Personas: the ombudsman's analyst and coordinator (they
register the case), the national office's analyst (``outsider``), a reporter."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from willaq.accounts.models import ApiToken, Institution, Role, User, hash_token
from willaq.audit.models import AuditEvent, AuditLog
from willaq.cases import services
from willaq.cases.choices import PcmClassification
from willaq.cases.history import classifications_as_of, end_of_month
from willaq.cases.models import Case, CaseClassification
from willaq.cases.services import PlaceInput
from willaq.testing.factories import member

pytestmark = pytest.mark.django_db

LIMA = dt.timezone(dt.timedelta(hours=-5))
NOW = dt.datetime(2025, 6, 20, 12, tzinfo=LIMA)


def at(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 12, tzinfo=LIMA)


def token_client(user: User) -> Client:
    raw = ApiToken.new_raw_value()
    ApiToken.objects.create(user=user, name="pruebas", prefix=raw[:8], token_hash=hash_token(raw))
    return Client(headers={"authorization": f"Bearer {raw}"})


@pytest.fixture
def case(analyst: User, coordinator: User, owner_institution: Institution) -> Case:
    with time_machine.travel(NOW, tick=False):
        created = services.create_case(
            user=analyst,
            institution=owner_institution,
            data={
                "name": "Conflicto por el agua",
                "start_date": dt.date(2025, 1, 5),
                "typology": "comunal",
                "pcm_classification": PcmClassification.CONTROVERSY,
            },
            places=[PlaceInput("021801", True)],
            at=at(2025, 1, 10),
        )
        services.transition_case(user=analyst, case=created, name="submit", at=at(2025, 1, 10))
        return services.transition_case(
            user=coordinator, case=created, name="approve", at=at(2025, 1, 11)
        )


def test_the_registrar_classification_comes_from_the_case_form_data(
    case: Case, owner_institution: Institution
) -> None:
    rows = list(CaseClassification.objects.filter(case=case))
    assert len(rows) == 1
    assert rows[0].institution == owner_institution
    assert rows[0].classification == PcmClassification.CONTROVERSY
    assert services.registrar_classification(case) == PcmClassification.CONTROVERSY


def test_another_institution_classifies_with_an_effective_date_and_both_coexist(
    case: Case, outsider: User, other_institution: Institution, owner_institution: Institution
) -> None:
    with time_machine.travel(NOW, tick=False):
        services.classify_case(
            user=outsider,
            case=case,
            institution=other_institution,
            classification=PcmClassification.SOCIAL_CONFLICT,
            note="Amenaza el orden público.",
            at=at(2025, 3, 2),
        )
    assert CaseClassification.objects.filter(case=case).count() == 2
    february = classifications_as_of(end_of_month(2025, 2))
    march = classifications_as_of(end_of_month(2025, 3))
    assert february[case.pk] == {owner_institution.pk: PcmClassification.CONTROVERSY}
    assert march[case.pk] == {
        owner_institution.pk: PcmClassification.CONTROVERSY,
        other_institution.pk: PcmClassification.SOCIAL_CONFLICT,
    }
    only_office = classifications_as_of(end_of_month(2025, 3), other_institution.pk)
    assert only_office == {case.pk: {other_institution.pk: PcmClassification.SOCIAL_CONFLICT}}
    log = AuditLog.objects.filter(event_type=AuditEvent.CASE_CLASSIFIED).order_by("-pk")[0]
    assert log.diff["classification"] == ["", PcmClassification.SOCIAL_CONFLICT]
    assert log.diff["effective_at"].startswith("2025-03-02")


def test_nobody_changes_another_institutions_classification(
    case: Case, analyst: User, outsider: User, owner_institution: Institution
) -> None:
    with pytest.raises(PermissionDenied):
        services.classify_case(
            user=outsider,
            case=case,
            institution=owner_institution,
            classification=PcmClassification.DIFFERENCE,
        )
    reporter = member(owner_institution, Role.REPORTER, email="rep@dp.gob.pe")
    with pytest.raises(PermissionDenied):
        services.classify_case(
            user=reporter,
            case=case,
            institution=owner_institution,
            classification=PcmClassification.DIFFERENCE,
        )
    assert services.registrar_classification(case) == PcmClassification.CONTROVERSY


def test_a_draft_of_another_institution_cannot_be_classified(
    analyst: User, outsider: User, owner_institution: Institution, other_institution: Institution
) -> None:
    draft = services.create_case(
        user=analyst,
        institution=owner_institution,
        data={"name": "Borrador", "start_date": dt.date(2025, 1, 5), "typology": "comunal"},
        places=[PlaceInput("021801", True)],
    )
    with pytest.raises(PermissionDenied):
        services.classify_case(
            user=outsider,
            case=draft,
            institution=other_institution,
            classification=PcmClassification.DIFFERENCE,
        )
    assert not CaseClassification.objects.filter(case=draft).exists()


def test_withdrawing_keeps_the_past_and_a_back_dated_change_cannot_precede_the_last(
    case: Case, outsider: User, other_institution: Institution
) -> None:
    with time_machine.travel(NOW, tick=False):
        services.classify_case(
            user=outsider,
            case=case,
            institution=other_institution,
            classification=PcmClassification.DIFFERENCE,
            at=at(2025, 3, 2),
        )
        with pytest.raises(ValidationError) as error:
            services.classify_case(
                user=outsider,
                case=case,
                institution=other_institution,
                classification=PcmClassification.CONTROVERSY,
                at=at(2025, 2, 1),
            )
        assert "effective_date" in error.value.message_dict
        services.classify_case(
            user=outsider,
            case=case,
            institution=other_institution,
            classification="",
            at=at(2025, 5, 1),
        )
    assert not CaseClassification.objects.filter(case=case, institution=other_institution).exists()
    april = classifications_as_of(end_of_month(2025, 4), other_institution.pk)
    may = classifications_as_of(end_of_month(2025, 5), other_institution.pk)
    assert april == {case.pk: {other_institution.pk: PcmClassification.DIFFERENCE}}
    assert may == {}


def test_an_unknown_value_is_refused_in_words(
    case: Case, outsider: User, other_institution: Institution
) -> None:
    with pytest.raises(ValidationError) as error:
        services.classify_case(
            user=outsider,
            case=case,
            institution=other_institution,
            classification="conflicto",
        )
    assert "Clasificación desconocida" in error.value.message_dict["classification"][0]


def test_api_put_and_delete_as_an_outsider_would(
    case: Case, outsider: User, other_institution: Institution
) -> None:
    client = token_client(outsider)
    url = f"/api/v1/cases/{case.uuid}/classifications/{other_institution.slug}"
    with time_machine.travel(NOW, tick=False):
        response = client.put(
            url,
            {
                "classification": "social_conflict",
                "note": "Paro regional",
                "effective_date": "2025-04-01",
            },
            content_type="application/json",
        )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["pcm_classification"] == "controversy"  # the registrar's, unchanged
    mine = [c for c in body["classifications"] if c["institution"] == "onds"]
    assert mine == [
        {"institution": "onds", "classification": "social_conflict", "note": "Paro regional"}
    ]
    assert len(body["classifications"]) == 2

    other = client.put(
        f"/api/v1/cases/{case.uuid}/classifications/defensoria",
        {"classification": "difference"},
        content_type="application/json",
    )
    assert other.status_code == 403
    bad = client.put(url, {"classification": "grave"}, content_type="application/json")
    assert bad.status_code == 422
    assert "classification" in bad.json()["errors"]
    unknown = client.put(
        f"/api/v1/cases/{case.uuid}/classifications/no-existe",
        {"classification": "difference"},
        content_type="application/json",
    )
    assert unknown.status_code == 422
    assert "institution" in unknown.json()["errors"]

    deleted = client.delete(url)
    assert deleted.status_code == 200
    assert [c["institution"] for c in deleted.json()["classifications"]] == ["defensoria"]


def test_the_page_classifies_and_the_case_page_lists_every_institutions_classification(
    case: Case, outsider: User
) -> None:
    client = Client()
    client.force_login(outsider)
    url = reverse("cases:classify", args=[case.uuid])
    page = client.get(url)
    assert page.status_code == 200
    assert "Clasificar según la metodología PCM" in page.content.decode()
    response = client.post(
        url,
        {
            "institution": outsider.memberships.get().institution_id,
            "classification": "difference",
            "note": "Opiniones opuestas sobre el canon.",
        },
    )
    assert response.status_code == 302
    detail = client.get(reverse("cases:detail", args=[case.uuid])).content.decode()
    assert "Diferencia" in detail
    assert "Controversia" in detail
    assert "Opiniones opuestas sobre el canon." in detail


def test_the_page_refuses_who_may_not_classify(case: Case, owner_institution: Institution) -> None:
    reporter = member(owner_institution, Role.REPORTER, email="rep@dp.gob.pe")
    client = Client()
    client.force_login(reporter)
    assert client.get(reverse("cases:classify", args=[case.uuid])).status_code == 403
