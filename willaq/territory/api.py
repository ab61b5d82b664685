"""API of Peru's territory (INEI ubigeo): list, detail and point lookup. Any authenticated user."""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from willaq.core.schemas import OBJECT_READ_ERRORS, READ_ERRORS
from willaq.core.text import fold
from willaq.territory import selectors
from willaq.territory.models import Grouping, Level, Ubigeo

router = Router(tags=["territory"])


class UbigeoOut(Schema):
    code: str = Field(description="Código ubigeo INEI de 6 dígitos, p. ej. «020000» o «150132».")
    level: Level = Field(description="Nivel: department, province o district.")
    name: str = Field(description="Nombre oficial con tildes, p. ej. «Áncash».")
    full_name: str = Field(
        description="Nombre con sus unidades superiores: «San Juan de Lurigancho, Lima, Lima»."
    )
    parent_code: str | None = Field(
        description="Código INEI de la unidad superior (nulo para un departamento)."
    )
    department_code: str = Field(description="Código INEI del departamento.")
    province_code: str = Field(
        description="Código INEI de la provincia (vacío para un departamento)."
    )
    reniec_code: str = Field(
        description="Código ubigeo RENIEC, distinto del INEI en algunas unidades."
    )
    capital: str = Field(description="Capital de la unidad.")
    latitude: float | None = Field(description="Latitud de la capital (WGS 84).")
    longitude: float | None = Field(description="Longitud de la capital (WGS 84).")
    area_km2: float | None = Field(description="Superficie en km².")

    @staticmethod
    def resolve_parent_code(obj: Ubigeo) -> str | None:
        return obj.parent.code if obj.parent is not None else None

    @staticmethod
    def resolve_full_name(obj: Ubigeo) -> str:
        return obj.full_name()


class GroupingOut(Schema):
    code: str = Field(description="Código de la agrupación, p. ej. «lima-provincias».")
    name: str = Field(description="Nombre, p. ej. «Lima Provincias».")
    anchor: str = Field(
        description="Código INEI de la unidad base (la menor que la contiene entera)."
    )
    member_codes: list[str] = Field(description="Códigos INEI de las unidades que la forman.")

    @staticmethod
    def resolve_anchor(obj: Grouping) -> str:
        return obj.anchor.code


class UbigeoFilters(Schema):
    level: Level | None = Field(None, description="Solo las unidades de este nivel.")
    parent: str | None = Field(
        None,
        pattern=r"^[0-9]{6}$",
        description="Solo las unidades directamente bajo este código INEI.",
    )
    q: str | None = Field(
        None, max_length=120, description="Parte del nombre, sin importar tildes ni mayúsculas."
    )


class LocateQuery(Schema):
    lat: float = Field(ge=-90, le=90, description="Latitud WGS 84, p. ej. -9.53.")
    lon: float = Field(ge=-180, le=180, description="Longitud WGS 84, p. ej. -77.53.")


class PageParams(PageNumberPagination.Input):
    page: int = Field(1, ge=1, le=1_000_000, description="Número de página, desde 1.")
    page_size: int | None = Field(
        None, ge=1, description="Elementos por página: 100 por omisión; más de 500 cuenta como 500."
    )


class Pagination(PageNumberPagination):
    """Page-number pagination with bounds a database offset can hold."""

    Input = PageParams


def _not_found(message: str) -> HttpError:
    """A 404 with its own message, answered as {"detail": message} by config/api.py's handler
    (a Status returned through ErrorOut would also carry "errors": null)."""
    return HttpError(404, message)


@router.get(
    "/ubigeos",
    response={200: list[UbigeoOut], **READ_ERRORS},
    summary="Departamentos, provincias y distritos",
)
@paginate(Pagination, page_size=100, max_page_size=500)
def list_ubigeos(request: HttpRequest, filters: Query[UbigeoFilters]) -> QuerySet[Ubigeo]:
    """Units in INEI code order, optionally filtered by level, parent and part of the name."""
    units = Ubigeo.objects.select_related("parent__parent").order_by("code")
    if filters.level:
        units = units.filter(level=filters.level)
    if filters.parent:
        units = units.filter(parent__code=filters.parent)
    if filters.q:
        units = units.filter(search_name__contains=fold(filters.q))
    return units


@router.get(
    "/ubigeos/{code}",
    response={200: UbigeoOut, **OBJECT_READ_ERRORS},
    summary="Una unidad territorial por su código INEI",
)
def get_ubigeo(request: HttpRequest, code: str) -> Ubigeo:
    unit = selectors.get_by_code(code) if len(code) == 6 else None
    if unit is None:
        raise _not_found(_("No existe la unidad territorial %(code)s.") % {"code": code[:12]})
    return unit


@router.get(
    "/locate",
    response={200: UbigeoOut, **OBJECT_READ_ERRORS},
    summary="El distrito que contiene un punto",
)
def locate(request: HttpRequest, point: Query[LocateQuery]) -> Ubigeo:
    """The district whose (2007, simplified) boundary holds the point; its department for
    districts created later. 404 outside Peru."""
    unit = selectors.locate_point(point.lat, point.lon)
    if unit is None:
        raise _not_found(_("El punto no está dentro del territorio del Perú."))
    return unit


@router.get(
    "/groupings",
    response={200: list[GroupingOut], **READ_ERRORS},
    summary="Agrupaciones territoriales usadas como lugares",
)
def list_groupings(request: HttpRequest) -> QuerySet[Grouping]:
    """ "Lima Metropolitana" and "Lima Provincias": a case's place may be one of them
    (`{"grouping": "<code>"}` in the places of a case)."""
    return Grouping.objects.select_related("anchor").order_by("name")
