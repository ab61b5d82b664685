"""The pages that register a people's organisations, authorities and localities, and the
authorities' API: personas of two institutions, an anonymous visitor, errors by field."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from willaq.accounts.models import Institution, Role, User
from willaq.audit.models import AuditEvent, AuditLog
from willaq.peoples.models import Authority, Locality, Organisation, People
from willaq.peoples.services import (
    AuthorityInput,
    OrganisationInput,
    register_authority,
    register_organisation,
    update_authority,
)
from willaq.testing.factories import member

IMAZA = "010205"  # a district of Amazonas where Awajún communities live


def _place(code: str) -> dict[str, str]:
    """The place picker's fields for a ubigeo code (department, province, district)."""
    fields = {"place_department": code[:2] + "0000"}
    if code[2:4] != "00":
        fields["place_province"] = code[:4] + "00"
    if code[4:] != "00":
        fields["place_district"] = code
    return fields


def _authority_post(**overrides: str) -> dict[str, str]:
    data = {
        "full_name": "Apu Elvis Huaman",
        "position": "Apu",
        "community": "Comunidad Nativa Wawas",
        "organisation": "",
        **_place(IMAZA),
        "term_start": "2024-01-01",
        "term_end": "2026-12-31",
        "phone": "987111222",
        "email": "apu@example.pe",
    }
    data.update(overrides)
    return data


def _authority(user: User, name: str = "Apu Santiago Kayap") -> Authority:
    return register_authority(
        user,
        AuthorityInput(
            people="awajun",
            full_name=name,
            position="Apu",
            term_start=dt.date(2023, 1, 1),
            term_end=dt.date(2025, 12, 31),
            phone="999888777",
            email="apu@example.pe",
        ),
    )


def test_the_people_page_offers_the_forms_to_editors_only(
    analyst_client: Client, anon_client: Client, owner_institution: Institution
) -> None:
    body = analyst_client.get("/pueblos/awajun/").content.decode()
    for url in (
        "/pueblos/awajun/organizaciones/nueva/",
        "/pueblos/awajun/autoridades/nueva/",
        "/pueblos/awajun/localidades/nueva/",
    ):
        assert url in body
        assert url not in anon_client.get("/pueblos/awajun/").content.decode()
    reporter = member(owner_institution, Role.REPORTER, email="rep@dp.gob.pe")
    client = Client()
    client.force_login(reporter)
    page = client.get("/pueblos/awajun/").content.decode()
    assert "/pueblos/awajun/autoridades/nueva/" not in page
    assert client.get("/pueblos/awajun/autoridades/nueva/").status_code == 403


def test_anonymous_is_sent_to_login_for_every_form(analyst: User, anon_client: Client) -> None:
    authority = _authority(analyst)
    organisation = register_organisation(
        analyst, OrganisationInput(name="Federación Awajún", level="local", peoples=["awajun"])
    )
    for url in (
        "/pueblos/awajun/organizaciones/nueva/",
        "/pueblos/awajun/autoridades/nueva/",
        "/pueblos/awajun/localidades/nueva/",
        f"/pueblos/autoridades/{authority.uuid}/editar/",
        f"/pueblos/organizaciones/{organisation.uuid}/editar/",
    ):
        for response in (anon_client.get(url), anon_client.post(url, _authority_post())):
            assert response.status_code == 302
            assert response["Location"].startswith(f"/cuentas/entrar/?next={url}")
    assert Authority.objects.count() == 1
    assert Organisation.objects.count() == 1


def test_an_editor_registers_an_authority_with_its_term(
    analyst: User, analyst_client: Client, outsider_client: Client, anon_client: Client
) -> None:
    organisation = register_organisation(
        analyst,
        OrganisationInput(name="Federación Awajún del Cenepa", level="local", peoples=["awajun"]),
    )
    form = analyst_client.get("/pueblos/awajun/autoridades/nueva/").content.decode()
    assert "Federación Awajún del Cenepa" in form
    response = analyst_client.post(
        "/pueblos/awajun/autoridades/nueva/",
        _authority_post(organisation=str(organisation.uuid)),
    )
    assert response.status_code == 302
    assert response["Location"] == "/pueblos/awajun/"
    authority = Authority.objects.get()
    assert authority.people.slug == "awajun"
    assert authority.organisation == organisation
    assert authority.term_end == dt.date(2026, 12, 31)
    assert authority.registered_by == analyst.memberships.get().institution
    assert AuditLog.objects.filter(event_type=AuditEvent.AUTHORITY_REGISTERED).count() == 1
    # Contact data: members of any institution read it; an anonymous visitor does not.
    for client, sees in ((analyst_client, True), (outsider_client, True), (anon_client, False)):
        body = client.get("/pueblos/awajun/").content.decode()
        assert "Apu Elvis Huaman" in body
        assert "Comunidad Nativa Wawas" in body
        assert ("987111222" in body) is sees
        assert ("apu@example.pe" in body) is sees


def test_a_term_ending_before_it_starts_is_an_error_on_its_field(
    analyst_client: Client,
) -> None:
    response = analyst_client.post(
        "/pueblos/awajun/autoridades/nueva/",
        _authority_post(term_start="2025-06-01", term_end="2025-05-31"),
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "El mandato no puede terminar antes de empezar." in body
    assert Authority.objects.count() == 0
    response = analyst_client.post(
        "/pueblos/awajun/autoridades/nueva/",
        _authority_post(full_name="", position="", term_start="", email="no-es-correo"),
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert sorted(errors) == ["email", "full_name", "position", "term_start"]
    response = analyst_client.post(
        "/pueblos/awajun/autoridades/nueva/", _authority_post(place_department="990000")
    )
    assert response.status_code == 422
    assert response.context["form"].errors["place_department"] == ["Ubigeo desconocido: 990000."]
    # A district that is not in the province chosen above it.
    response = analyst_client.post(
        "/pueblos/awajun/autoridades/nueva/", _authority_post(place_district="150101")
    )
    assert response.status_code == 422
    assert response.context["form"].errors["place_district"] == [
        "No pertenece al lugar elegido en el nivel superior."
    ]
    assert Authority.objects.count() == 0


def test_another_institution_cannot_change_what_it_did_not_register(
    analyst: User, outsider: User, analyst_client: Client, outsider_client: Client
) -> None:
    authority = _authority(analyst)
    organisation = register_organisation(
        analyst, OrganisationInput(name="Federación Awajún", level="local", peoples=["awajun"])
    )
    edit_authority = f"/pueblos/autoridades/{authority.uuid}/editar/"
    edit_organisation = f"/pueblos/organizaciones/{organisation.uuid}/editar/"
    # The outsider sees the rows but no edit links, and the forms refuse it.
    body = outsider_client.get("/pueblos/awajun/").content.decode()
    assert "Apu Santiago Kayap" in body
    assert edit_authority not in body
    assert edit_organisation not in body
    assert outsider_client.get(edit_authority).status_code == 403
    assert outsider_client.post(edit_authority, _authority_post(full_name="X")).status_code == 403
    assert (
        outsider_client.post(
            edit_organisation, {"name": "X", "level": "local", "peoples": ["awajun"]}
        ).status_code
        == 403
    )
    with pytest.raises(PermissionDenied):
        update_authority(
            outsider,
            authority,
            AuthorityInput(
                people="awajun", full_name="X", position="Apu", term_start=dt.date(2023, 1, 1)
            ),
        )
    authority.refresh_from_db()
    organisation.refresh_from_db()
    assert authority.full_name == "Apu Santiago Kayap"
    assert organisation.name == "Federación Awajún"
    # The registering institution's editor does change them.
    body = analyst_client.get("/pueblos/awajun/").content.decode()
    assert edit_authority in body
    assert edit_organisation in body
    response = analyst_client.post(
        edit_authority, _authority_post(full_name="Apu Santiago Kayap", term_end="2027-12-31")
    )
    assert response.status_code == 302
    authority.refresh_from_db()
    assert authority.term_end == dt.date(2027, 12, 31)
    assert authority.ubigeo is not None
    assert authority.ubigeo.code == IMAZA
    # Opened again, the picker stands on the authority's district, its levels filled.
    form = analyst_client.get(edit_authority).context["form"]
    assert {name: form[name].value() for name in _place(IMAZA)} == _place(IMAZA)
    district_codes = [code for code, _ in form.fields["place_district"].widget.choices if code]
    assert IMAZA in district_codes
    assert all(code.startswith("0102") for code in district_codes)
    response = analyst_client.post(
        edit_organisation,
        {"name": "Federación Awajún", "acronym": "FA", "level": "local", "peoples": ["awajun"]},
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.acronym == "FA"
    changed = AuditLog.objects.filter(
        event_type__in=[AuditEvent.AUTHORITY_CHANGED, AuditEvent.ORGANISATION_CHANGED]
    )
    assert changed.count() == 2
    # No personal data in the audit diff.
    assert all("987111222" not in str(log.diff) for log in changed)
    assert (
        analyst_client.get(
            "/pueblos/autoridades/00000000-0000-0000-0000-000000000000/editar/"
        ).status_code
        == 404
    )


def test_an_editor_registers_an_organisation_of_several_peoples(
    analyst_client: Client, outsider_client: Client, anon_client: Client
) -> None:
    form = analyst_client.get("/pueblos/wampis/organizaciones/nueva/")
    assert form.status_code == 200
    assert form.context["form"].initial["peoples"] == ["wampis"]
    response = analyst_client.post(
        "/pueblos/wampis/organizaciones/nueva/",
        {"name": "", "level": "galaxia", "peoples": []},
    )
    assert response.status_code == 422
    assert sorted(response.context["form"].errors) == ["level", "name", "peoples"]
    response = analyst_client.post(
        "/pueblos/wampis/organizaciones/nueva/",
        {
            "name": "Gobierno Territorial Autónomo de la Nación Wampis",
            "acronym": "GTANW",
            "level": "regional",
            "peoples": ["wampis", "awajun"],
            **_place("160000"),
            "contact_name": "Secretaría técnica",
            "phone": "065123456",
        },
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get()
    assert organisation.peoples.count() == 2
    for slug in ("wampis", "awajun"):
        for client, sees in ((outsider_client, True), (anon_client, False)):
            body = client.get(f"/pueblos/{slug}/").content.decode()
            assert "GTANW" in body
            assert ("065123456" in body) is sees
            assert ("Secretaría técnica" in body) is sees


def test_an_editor_adds_a_locality_once(analyst_client: Client, outsider_client: Client) -> None:
    people = People.objects.get(slug="awajun")
    before = people.localities.count()
    url = "/pueblos/awajun/localidades/nueva/"
    page = analyst_client.get(url).content.decode()
    # The place is picked department → province → district, not typed as a code.
    assert 'name="place_department"' in page
    assert 'hx-get="/territorio/opciones/"' in page
    assert "js/cases" in page
    response = analyst_client.post(url, {**_place(IMAZA), "name": "Wawas"})
    assert response.status_code == 302
    assert people.localities.count() == before + 1
    locality = Locality.objects.get(people=people, ubigeo__code=IMAZA)
    assert locality.department_code == "010000"
    assert locality.from_registry is False
    assert "Wawas" in outsider_client.get("/pueblos/awajun/").content.decode()
    # The same locality twice, an unknown or malformed code, no place: errors on the picker.
    for place, field, message in (
        (_place(IMAZA), "place_department", "Esa localidad ya está registrada."),
        ({"place_department": "990000"}, "place_department", "Ubigeo desconocido: 990000."),
        (
            {"place_department": "010000", "place_province": "12"},
            "place_province",
            "Ubigeo desconocido: 12.",
        ),
        ({}, "place_department", "Elija al menos el departamento."),
    ):
        response = outsider_client.post(url, {**place, "name": "Wawas"})
        assert response.status_code == 422
        assert response.context["form"].errors[field] == [message]
    assert people.localities.count() == before + 1
    assert AuditLog.objects.filter(event_type=AuditEvent.LOCALITY_ADDED).count() == 1
    assert analyst_client.post("/pueblos/no-existe/localidades/nueva/", {}).status_code == 404


def test_the_authorities_and_organisations_api_hide_contact_from_visitors(
    analyst: User, analyst_client: Client, outsider_client: Client, anon_client: Client
) -> None:
    _authority(analyst)
    _authority(analyst, "Apu Rosa Tsamajain")
    register_organisation(
        analyst,
        OrganisationInput(
            name="Federación Awajún", level="local", peoples=["awajun"], phone="041111222"
        ),
    )
    for client, sees in ((analyst_client, True), (outsider_client, True), (anon_client, False)):
        response = client.get("/api/v1/authorities", {"people": "awajun"})
        assert response.status_code == 200
        items = response.json()["items"]
        assert len(items) == 2
        assert len([i for i in items if i["phone"] == "999888777"]) == (2 if sees else 0)
        assert len([i for i in items if i["email"]]) == (2 if sees else 0)
        assert items[0]["people"]["slug"] == "awajun"
        organisations = client.get("/api/v1/organisations", {"people": "awajun"}).json()["items"]
        assert len(organisations) == 1
        assert (organisations[0]["phone"] == "041111222") is sees
    assert anon_client.get("/api/v1/authorities", {"people": "wampis"}).json()["count"] == 0
    schema = anon_client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/authorities", "/api/v1/organisations"):
        assert sorted(schema["paths"][path]["get"]["responses"]) == ["200", "400", "401", "422"]


def test_the_services_refuse_a_visitor_and_a_bad_term(analyst: User) -> None:
    with pytest.raises(ValidationError) as raised:
        register_authority(
            analyst,
            AuthorityInput(
                people="awajun",
                full_name="Apu",
                position="Apu",
                term_start=dt.date(2025, 1, 2),
                term_end=dt.date(2025, 1, 1),
            ),
        )
    assert list(raised.value.message_dict) == ["term_end"]
    assert Authority.objects.count() == 0
