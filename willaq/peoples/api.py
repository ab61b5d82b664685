"""``GET /api/v1/peoples``, ``/languages``, ``/interpreters``, ``/organisations`` and
``/authorities``: the registry under the same access rule as the pages
(``willaq.peoples.access``). The registry is public: a request without credentials reads it; a bad
token still answers 401. The contact data of interpreters, organisations and authorities is
emptied for anyone who is not a member of an institution (``access.without_contact``)."""

import datetime as dt
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from willaq.accounts.api import ApiTokenAuth, BrowserSessionAuth
from willaq.core.schemas import READ_ERRORS
from willaq.peoples import access, selectors
from willaq.peoples.models import Authority, Interpreter, Language, Organisation, People

router = Router(tags=["pueblos"])


def anonymous_reader(request: HttpRequest) -> Any:
    """The last authenticator: no credentials read as an anonymous visitor; a bad token is
    refused by the others (401)."""
    if "HTTP_AUTHORIZATION" in request.META:
        return None
    return True


AUTH = [ApiTokenAuth(), BrowserSessionAuth(), anonymous_reader]


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(100, ge=1, le=200, description="Elementos por página (máx. 200).")
        offset: int = Field(0, ge=0, le=1_000_000, description="Elementos que se saltan.")


AreaLiteral = Literal["andean", "amazonian"]


class FamilyOut(Schema):
    slug: str
    name: str


class LanguageRef(Schema):
    slug: str
    name: str


class LanguageOut(Schema):
    slug: str
    number: int
    name: str
    area: str
    family: FamilyOut | None
    varieties: list[str]
    peoples: list[str] = Field(description="Slugs de los pueblos que la hablan.")

    @staticmethod
    def resolve_varieties(obj: Language) -> list[str]:
        return [v.name for v in obj.varieties.all()]

    @staticmethod
    def resolve_peoples(obj: Language) -> list[str]:
        return [p.slug for p in obj.peoples.all()]


class PeopleOut(Schema):
    slug: str
    minsa_code: str
    name: str
    area: str
    alternative_names: list[str]
    languages: list[LanguageRef]
    departments: list[str] = Field(description="Ubigeos de los departamentos con localidades.")

    @staticmethod
    def resolve_alternative_names(obj: People) -> list[str]:
        return [a.name for a in obj.alternative_names.all()]

    @staticmethod
    def resolve_languages(obj: People) -> list[Language]:
        return list(obj.languages.all())

    @staticmethod
    def resolve_departments(obj: People) -> list[str]:
        return sorted({loc.department_code for loc in obj.localities.all()})


class PeopleFilters(Schema):
    q: str = Field("", max_length=100, description="Nombre u otra denominación, sin tildes.")
    area: AreaLiteral | None = None
    language: str = Field("", max_length=60, description="Slug de una lengua.")
    family: str = Field("", max_length=60, description="Slug de una familia lingüística.")
    department: str = Field("", pattern=r"^([0-9]{6})?$", description="Ubigeo del departamento.")


class LanguageFilters(Schema):
    q: str = Field("", max_length=100)
    area: AreaLiteral | None = None
    family: str = Field("", max_length=60)


class InterpreterLanguageOut(Schema):
    language: str
    variety: str


class InterpreterOut(Schema):
    uuid: UUID
    full_name: str
    role: str
    languages: list[InterpreterLanguageOut]
    registry_number: str
    certified_on: dt.date | None
    department: str = Field(description="Ubigeo del departamento.")
    availability: str
    is_active: bool
    phone: str = Field(description="Vacío salvo para miembros de una institución.")
    email: str = Field(description="Vacío salvo para miembros de una institución.")

    @staticmethod
    def resolve_languages(obj: Interpreter) -> list[dict[str, str]]:
        return [
            {"language": link.language.slug, "variety": link.variety}
            for link in obj.language_links.all()
        ]

    @staticmethod
    def resolve_department(obj: Interpreter) -> str:
        return obj.department.code


class InterpreterFilters(Schema):
    q: str = Field("", max_length=100)
    language: str = Field("", max_length=60)
    department: str = Field("", pattern=r"^([0-9]{6})?$")
    certified: bool | None = None


@router.get(
    "/peoples",
    response={200: list[PeopleOut], **READ_ERRORS},
    auth=AUTH,
    summary="Pueblos indígenas (55)",
)
@paginate(Pagination)
def list_peoples(request: HttpRequest, filters: Query[PeopleFilters]) -> Any:
    wanted = selectors.PeopleFilters(
        q=filters.q,
        area=filters.area or "",
        language=filters.language,
        family=filters.family,
        department=filters.department,
    )
    return selectors.filter_peoples(access.visible_peoples(request.user), wanted).prefetch_related(
        "localities"
    )


@router.get(
    "/languages",
    response={200: list[LanguageOut], **READ_ERRORS},
    auth=AUTH,
    summary="Lenguas indígenas (48)",
)
@paginate(Pagination)
def list_languages(request: HttpRequest, filters: Query[LanguageFilters]) -> Any:
    return selectors.filter_languages(
        selectors.LanguageFilters(q=filters.q, area=filters.area or "", family=filters.family)
    )


@router.get(
    "/interpreters",
    response={200: list[InterpreterOut], **READ_ERRORS},
    auth=AUTH,
    summary="Intérpretes y facilitadores (contacto solo para miembros de una institución)",
)
@paginate(Pagination)
def list_interpreters(request: HttpRequest, filters: Query[InterpreterFilters]) -> Any:
    rows = selectors.filter_interpreters(
        access.visible_interpreters(request.user),
        selectors.InterpreterFilters(
            q=filters.q,
            language=filters.language,
            department=filters.department,
            certified=filters.certified,
        ),
    )
    return [access.without_contact(request.user, i) for i in rows]


class PeopleRef(Schema):
    slug: str
    name: str


class OrganisationOut(Schema):
    uuid: UUID
    name: str
    acronym: str
    level: str
    peoples: list[PeopleRef]
    ubigeo: str = Field(description="Ubigeo de la sede (vacío si no se indicó).")
    contact_name: str = Field(description="Vacío salvo para miembros de una institución.")
    phone: str = Field(description="Vacío salvo para miembros de una institución.")
    email: str = Field(description="Vacío salvo para miembros de una institución.")

    @staticmethod
    def resolve_peoples(obj: Organisation) -> list[People]:
        return list(obj.peoples.all())

    @staticmethod
    def resolve_ubigeo(obj: Organisation) -> str:
        return obj.ubigeo.code if obj.ubigeo else ""


class AuthorityOut(Schema):
    uuid: UUID
    people: PeopleRef
    full_name: str
    position: str
    community: str
    organisation: UUID | None
    ubigeo: str
    term_start: dt.date
    term_end: dt.date | None
    phone: str = Field(description="Vacío salvo para miembros de una institución.")
    email: str = Field(description="Vacío salvo para miembros de una institución.")

    @staticmethod
    def resolve_organisation(obj: Authority) -> UUID | None:
        return obj.organisation.uuid if obj.organisation else None

    @staticmethod
    def resolve_ubigeo(obj: Authority) -> str:
        return obj.ubigeo.code if obj.ubigeo else ""


class RegistryFilters(Schema):
    people: str = Field("", max_length=60, description="Slug de un pueblo.")


@router.get(
    "/organisations",
    response={200: list[OrganisationOut], **READ_ERRORS},
    auth=AUTH,
    summary="Organizaciones representativas (contacto solo para miembros de una institución)",
)
@paginate(Pagination)
def list_organisations(request: HttpRequest, filters: Query[RegistryFilters]) -> Any:
    rows = access.visible_organisations(request.user)
    if filters.people:
        rows = rows.filter(peoples__slug=filters.people)
    rows = rows.distinct().select_related("ubigeo").prefetch_related("peoples").order_by("name")
    return [access.without_contact(request.user, o) for o in rows]


@router.get(
    "/authorities",
    response={200: list[AuthorityOut], **READ_ERRORS},
    auth=AUTH,
    summary="Autoridades reconocidas (contacto solo para miembros de una institución)",
)
@paginate(Pagination)
def list_authorities(request: HttpRequest, filters: Query[RegistryFilters]) -> Any:
    rows = access.visible_authorities(request.user)
    if filters.people:
        rows = rows.filter(people__slug=filters.people)
    rows = rows.select_related("people", "organisation", "ubigeo").order_by(
        "people__name", "full_name"
    )
    return [access.without_contact(request.user, a) for a in rows]
