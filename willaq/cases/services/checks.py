"""Checks shared by several services: dates, points, categories."""

import datetime as dt
import math
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from willaq.accounts.models import Institution, User
from willaq.cases.access import usable_categories
from willaq.cases.choices import CategoryKind
from willaq.cases.models import Category
from willaq.territory.models import Level, Ubigeo
from willaq.territory.selectors import locate_point


def resolve_category(
    kind: CategoryKind, value: Category | str | int | None, institution: Institution | None
) -> Category | None:
    """A category by object, code or id, usable by this institution (shared or its own)."""
    if value in (None, ""):
        return None
    if isinstance(value, Category):
        category = value
    else:
        lookup = Q(pk=value) if isinstance(value, int) else Q(code=value)
        found = (
            usable_categories([institution.pk] if institution is not None else [])
            .filter(lookup, kind=kind, is_active=True)
            .first()
        )
        if found is None:
            raise ValidationError(
                {kind.value: _("Categoría desconocida: «%(value)s».") % {"value": value}}
            )
        category = found
    if category.kind != kind or (
        category.institution_id is not None
        and (institution is None or category.institution_id != institution.pk)
    ):
        raise ValidationError({kind.value: _("Esa categoría no es válida aquí.")})
    return category


# The registry starts with the 1980s: an earlier date is a typing mistake (1925 for 2025).
EARLIEST_DATE = dt.date(1980, 1, 1)


def validate_record_date(field: str, value: dt.date | None) -> None:
    """A record's date: not before 1980, not in the future."""
    if value is None:
        return
    if value < EARLIEST_DATE:
        raise ValidationError(
            {field: _("La fecha no puede ser anterior a %(year)s.") % {"year": EARLIEST_DATE.year}}
        )
    if value > timezone.localdate():
        raise ValidationError({field: _("La fecha no puede estar en el futuro.")})


# A point more than this far from its place's capital, and outside the place, must be confirmed.
FAR_POINT_KM = 50.0


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def _within(unit: Ubigeo, place: Ubigeo) -> bool:
    """Whether ``unit`` is ``place`` or lies inside it (same code prefix for its level)."""
    digits = {Level.DEPARTMENT: 2, Level.PROVINCE: 4}.get(Level(place.level), 6)
    return unit.code[:digits] == place.code[:digits]


def check_point(
    latitude: float, longitude: float, place: Ubigeo | None, *, confirmed: bool
) -> Ubigeo:
    """The district (or department) holding a point, after two checks:

    - a point outside Peru is refused (``locate_point`` knows the boundaries);
    - a point outside its place *and* more than ``FAR_POINT_KM`` from the place's capital is
      probably a typing mistake (a swapped sign, a wrong digit): it is refused with a warning
      unless the user confirms it (``confirm_far_point``). A point inside a large district far
      from its capital is not warned about.
    """
    located = locate_point(latitude, longitude)
    if located is None:
        raise ValidationError(
            {"latitude": _("El punto indicado está fuera del territorio peruano.")}
        )
    if (
        place is not None
        and not confirmed
        and place.latitude is not None
        and place.longitude is not None
        and not _within(located, place)
    ):
        km = _distance_km(latitude, longitude, place.latitude, place.longitude)
        if km > FAR_POINT_KM:
            raise ValidationError(
                {
                    "confirm_far_point": _(
                        "El punto está a %(km)s km de %(place)s y fuera de ese lugar. Revise "
                        "las coordenadas o confirme que son correctas."
                    )
                    % {"km": round(km), "place": place.name}
                }
            )
    return located


def validate_dates(errors: dict[str, list[str]], **dates: dt.date | None) -> None:
    for field, value in dates.items():
        try:
            validate_record_date(field, value)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, []).extend(messages)


def effective_moment(day: dt.date | None) -> dt.datetime | None:
    """The moment a change recorded late took effect, from the day a form or the API gives:
    the last second of that day in the installation's time zone (so it sorts after whatever
    else was recorded that day, such as the case's approval); ``None`` (now) for no day or
    today, so a change made today keeps its exact moment and its order with other changes. A
    day in the future is refused."""
    if day is None:
        return None
    today = timezone.localdate()
    if day > today:
        raise ValidationError(
            {"effective_date": _("La fecha efectiva no puede estar en el futuro.")}
        )
    if day == today:
        return None
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))
    check_effective(moment)
    return moment


def check_effective(at: dt.datetime | None, *, not_before: dt.datetime | None = None) -> None:
    """An effective date: not in the future, not before 1980 and, for a change of a record,
    not before the record took effect (``not_before``): its history would run backwards."""
    if at is None:
        return
    if at > timezone.now():
        raise ValidationError(
            {"effective_date": _("La fecha efectiva no puede estar en el futuro.")}
        )
    validate_record_date("effective_date", timezone.localdate(at))
    if not_before is not None and at < not_before:
        raise ValidationError(
            {
                "effective_date": _(
                    "La fecha efectiva no puede ser anterior a la del registro (%(date)s)."
                )
                % {"date": timezone.localdate(not_before).strftime("%d/%m/%Y")}
            }
        )


def took_effect(obj: models.Model) -> dt.datetime | None:
    """When a saved record took effect: the effective date of its first historical row."""
    history = getattr(obj, "history", None)
    if obj.pk is None or history is None:
        return None
    first = history.order_by("history_date").values_list("history_date", flat=True).first()
    return first if isinstance(first, dt.datetime) else None


def stamp(obj: models.Model, user: User | None, at: dt.datetime | None = None) -> None:
    """Mark the next save of ``obj`` in its history: who made it and, for a back-dated change
    (imports, the demo), when it happened. Every service stamps through here."""
    obj._history_user = user  # type: ignore[attr-defined]
    if at is not None:
        obj._history_date = at  # type: ignore[attr-defined]


def typed(model: type[models.Model], field: str, value: Any) -> Any:
    """``value`` converted to the type of ``model.field`` (a date from "2025-01-31", a number
    from "12.5"), or a ValidationError naming the field: a caller passing the wrong type gets
    the same message as a form, never a TypeError deep in a service."""
    if value is None or value == "":
        return value
    model_field = model._meta.get_field(field)
    if not isinstance(model_field, models.Field):
        return value
    try:
        return model_field.to_python(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc
    except (TypeError, ValueError) as exc:
        raise ValidationError({field: _("Valor no válido.")}) from exc


def columns(obj: models.Model) -> dict[str, Any]:
    """The values of a row's columns, to tell whether a change changed anything (a save that
    changes nothing is skipped: it would add an empty history row)."""
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
