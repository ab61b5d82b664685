"""Text search of the case registry: accent- and case-insensitive, never in a confidential field.

A case matches when the folded query (``willaq.core.text.fold``: "Minería" → "mineria") appears in
its code, its name, the name of any of its places (district, province or department), the name of
any of its actors, or one of its text fields — a text field only when the searcher may read it
(``access.sees_confidential``: the field is not confidential, or the searcher belongs to the
case's institution).

The database compares folded text through one SQL function, ``willaq_fold(text)``:
- on PostgreSQL it is ``lower(unaccent(text))``, declared IMMUTABLE by migration
  ``cases.0003`` so trigram GIN indexes (pg_trgm) can serve ``LIKE '%…%'`` on each column;
- on SQLite it is ``fold`` itself, registered on every new connection (``dbfunctions``).
"""

from typing import Any

from django.db.models import F, Func, Q, QuerySet, TextField
from django.db.models.functions import Cast

from willaq.accounts.access import AnyUser
from willaq.cases.access import readable_case_field
from willaq.cases.models import Case, CaseActor, CaseExternalId, CasePlace
from willaq.core.text import fold
from willaq.territory.models import Ubigeo

# The case's own text fields a search reads (each may be confidential to the searcher).
TEXT_FIELDS = ("description", "demands", "causes")


def folded(field: str) -> Func:
    """The SQL expression ``willaq_fold(<field>)``."""
    return Func(F(field), function="willaq_fold", output_field=TextField())


def matching(user: AnyUser, cases: QuerySet[Case], query: str) -> QuerySet[Case]:
    """The cases of ``cases`` that the query finds, as this user may search them."""
    needle = fold(query)
    if not needle:
        return cases
    # The case's code and name, and each text field the user may read (the access module's
    # redaction rule as a condition): one query on cases, where each condition has its trigram
    # index (a BitmapOr on PostgreSQL).
    aliases: dict[str, Any] = {
        "_code": folded("code"),
        "_name": folded("name"),
        "_secret": Cast("confidential_fields", TextField()),
    }
    direct = Q(_code__contains=needle) | Q(_name__contains=needle)
    for name in TEXT_FIELDS:
        aliases[f"_{name}"] = folded(name)
        readable = readable_case_field(user, name, "_secret")
        direct |= Q(**{f"_{name}__contains": needle}) & readable
    by_text = Case.objects.alias(**aliases).filter(direct).order_by().values("id")
    # Places: a unit whose name matches counts with every unit inside it (a department's name
    # finds the cases in its districts).
    units = Ubigeo.objects.filter(search_name__contains=needle).values_list("code", flat=True)
    codes = list(units)
    by_place = (
        CasePlace.objects.filter(
            Q(ubigeo__code__in=codes)
            | Q(ubigeo__province_code__in=codes)
            | Q(ubigeo__department_code__in=codes)
        )
        .order_by()
        .values("case_id")
    )
    by_actor = (
        CaseActor.objects.alias(_actor=folded("actor__name"))
        .filter(_actor__contains=needle)
        .order_by()
        .values("case_id")
    )
    # One id set (UNION), joined to the filtered cases by primary key: the database reads only
    # the matching cases instead of testing every visible case against three sub-selects.
    parts = [by_actor, by_external_id(query)]
    if codes:
        parts.append(by_place)
    return cases.filter(pk__in=by_text.union(*parts))


def by_external_id(query: str) -> QuerySet[CaseExternalId, Any]:
    """The ids of the cases whose identifier in another system is exactly ``query`` (as typed,
    or written "source:id"): one lookup on the ``caseexternalid_value`` index, never a scan."""
    text = query.strip()
    condition = Q(external_id=text)
    source, sep, external_id = text.partition(":")
    if sep and source.strip() and external_id.strip():
        condition |= Q(source=source.strip(), external_id=external_id.strip())
    return CaseExternalId.objects.filter(condition).order_by().values("case_id")
