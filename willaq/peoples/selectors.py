"""Reads of the peoples registry: searches, filters and the interpreters' gap view."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from willaq.core.text import fold
from willaq.peoples.models import (
    AlternativeName,
    Interpreter,
    InterpreterLanguage,
    Language,
    Locality,
    People,
)
from willaq.territory.models import Ubigeo


@dataclass(frozen=True)
class PeopleFilters:
    q: str = ""
    area: str = ""
    family: str = ""  # a LanguageFamily slug
    language: str = ""  # a Language slug
    department: str = ""  # a department ubigeo code


def filter_peoples(peoples: QuerySet[People], filters: PeopleFilters) -> QuerySet[People]:
    """Search by any name, accent- and case-insensitively ("aguaruna" finds Awajún)."""
    if filters.q:
        peoples = peoples.filter(search_text__contains=fold(filters.q))
    if filters.area:
        peoples = peoples.filter(area=filters.area)
    if filters.family:
        peoples = peoples.filter(languages__family__slug=filters.family)
    if filters.language:
        peoples = peoples.filter(languages__slug=filters.language)
    if filters.department:
        peoples = peoples.filter(localities__department_code=filters.department)
    return (
        peoples.distinct()
        .order_by("name")
        .prefetch_related(
            Prefetch("languages", queryset=Language.objects.select_related("family")),
            Prefetch("alternative_names", queryset=AlternativeName.objects.order_by("name")),
        )
    )


@dataclass(frozen=True)
class LanguageFilters:
    q: str = ""
    area: str = ""
    family: str = ""


def filter_languages(filters: LanguageFilters) -> QuerySet[Language]:
    languages = Language.objects.select_related("family").prefetch_related("varieties", "peoples")
    if filters.q:
        languages = languages.filter(search_name__contains=fold(filters.q))
    if filters.area:
        languages = languages.filter(area=filters.area)
    if filters.family:
        languages = languages.filter(family__slug=filters.family)
    return languages.order_by("name")


@dataclass(frozen=True)
class InterpreterFilters:
    q: str = ""
    language: str = ""  # a Language slug
    department: str = ""  # a department ubigeo code
    certified: bool | None = None
    availability: str = ""


def filter_interpreters(
    interpreters: QuerySet[Interpreter], filters: InterpreterFilters
) -> QuerySet[Interpreter]:
    if filters.q:
        interpreters = interpreters.filter(search_name__contains=fold(filters.q))
    if filters.language:
        interpreters = interpreters.filter(language_links__language__slug=filters.language)
    if filters.department:
        interpreters = interpreters.filter(department__code=filters.department)
    if filters.certified is not None:
        interpreters = interpreters.filter(certified_on__isnull=not filters.certified)
    if filters.availability:
        interpreters = interpreters.filter(availability=filters.availability)
    return (
        interpreters.distinct()
        .select_related("department", "registered_by")
        .prefetch_related(
            Prefetch(
                "language_links",
                queryset=InterpreterLanguage.objects.select_related("language").order_by(
                    "language__name"
                ),
            )
        )
        .order_by("full_name")
    )


def department_languages(department: Ubigeo) -> QuerySet[Language]:
    """The languages spoken by the peoples that have a locality in ``department``."""
    peoples = Locality.objects.filter(department_code=department.code).values("people")
    return (
        Language.objects.filter(peoples__in=peoples)
        .distinct()
        .select_related("family")
        .order_by("name")
    )


@dataclass(frozen=True)
class GapRow:
    language: Language
    peoples: list[People]
    certified_here: int  # always 0 in the gap list; kept for the covered list
    certified_elsewhere: int


def interpreter_gaps(department: Ubigeo) -> tuple[list[GapRow], list[GapRow]]:
    """The languages of ``department``'s peoples split in two: those with NO active certified
    interpreter in the department (the gaps), and those covered. Each row counts the certified
    interpreters of that language here and in other departments (where to look)."""
    certified = Q(interpreters__is_active=True, interpreters__certified_on__isnull=False)
    languages = department_languages(department).annotate(
        here=Count(
            "interpreters",
            filter=certified & Q(interpreters__department=department),
            distinct=True,
        ),
        everywhere=Count("interpreters", filter=certified, distinct=True),
    )
    local_peoples = Locality.objects.filter(department_code=department.code).values("people")
    gaps: list[GapRow] = []
    covered: list[GapRow] = []
    for language in languages:
        peoples = list(language.peoples.filter(pk__in=local_peoples).order_by("name"))
        here = int(language.here)
        row = GapRow(language, peoples, here, int(language.everywhere) - here)
        (covered if here else gaps).append(row)
    return gaps, covered


def departments_with_peoples() -> QuerySet[Ubigeo]:
    codes = Locality.objects.values("department_code")
    return Ubigeo.objects.departments().filter(code__in=codes).order_by("name")
