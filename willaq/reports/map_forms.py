"""The map's query: one form reads and checks it for the API, the public data and the page."""

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from willaq.accounts.access import AnyUser, institution_ids
from willaq.accounts.models import Institution
from willaq.cases.access import usable_categories
from willaq.cases.choices import REGISTERED_STATES, CaseState, CategoryKind, Phase
from willaq.cases.models import Category

# Peru with a margin: the answer when no bbox is sent (the choropleth does not need one).
PERU_BBOX = (-81.5, -18.5, -68.5, 0.1)
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MIN_ZOOM = 0
MAX_ZOOM = 18


class MapLayer(models.TextChoices):
    CASES = "cases", _("Casos")
    EVENTS = "events", _("Eventos")
    CHOROPLETH = "choropleth", _("Coropleta de casos")


class MapLevel(models.TextChoices):
    DEPARTMENT = "department", _("Departamento")
    PROVINCE = "province", _("Provincia")


class MapMeasure(models.TextChoices):
    COUNT = "count", _("Número de casos")
    RATE = "rate", _("Casos por 100 000 habitantes")


@dataclass(frozen=True)
class MapQuery:
    public: bool
    layer: str
    level: str
    measure: str
    bbox: tuple[float, float, float, float]  # west, south, east, north
    zoom: int
    date_from: dt.date | None
    date_to: dt.date | None
    typology: str  # a category code, "" for all
    state: str
    phase: str
    institution: str  # an institution's slug
    # The filters' rows, looked up once (``MapForm.query``): the map's grouping queries filter on
    # these ids, never through a join to the categories or the institutions, which PostgreSQL
    # estimates at one row and then reads again for each of thousands of rows.
    typology_ids: tuple[int, ...] = ()
    institution_ids: tuple[int, ...] = ()


def map_states(*, public: bool) -> list[str]:
    """States a map may filter on. A merged case is shown under the case that absorbed it; the
    public map knows no draft or proposal."""
    states = REGISTERED_STATES if public else tuple(CaseState)
    return [s for s in states if s != CaseState.MERGED]


class MapQueryForm(forms.Form):
    """``bbox=w,s,e,n&zoom=z&layer=…&level=…&measure=…`` and the filters. Unknown values are
    refused with a message, never ignored."""

    layer = forms.ChoiceField(label=_("Capa"), choices=MapLayer.choices, required=False)
    level = forms.ChoiceField(label=_("Nivel"), choices=MapLevel.choices, required=False)
    measure = forms.ChoiceField(label=_("Medida"), choices=MapMeasure.choices, required=False)
    bbox = forms.CharField(label=_("Área visible"), required=False, max_length=200)
    zoom = forms.IntegerField(
        label=_("Zoom"), required=False, min_value=MIN_ZOOM, max_value=MAX_ZOOM
    )
    date_from = forms.DateField(
        label=_("Desde"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Sin fecha, los eventos de los últimos tres meses."),
    )
    date_to = forms.DateField(label=_("Hasta"), required=False, widget=DATE_INPUT)
    typology = forms.ChoiceField(label=_("Tipología"), required=False)
    state = forms.ChoiceField(label=_("Estado"), required=False)
    phase = forms.ChoiceField(label=_("Fase"), required=False)
    institution = forms.ChoiceField(label=_("Institución"), required=False)

    def __init__(self, *args: Any, user: AnyUser, public: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.public = public
        # Typologies: the shared ones on the public map, plus the user's institutions' own.
        mine: list[int] | None = [] if public else sorted(institution_ids(user))
        if not public and user.is_authenticated and user.is_superuser:
            mine = None
        everyone = [("", _("Todas"))]
        typologies = (
            usable_categories(mine)
            .filter(kind=CategoryKind.TYPOLOGY, parent__isnull=True)
            .order_by("sort_order", "name")
            .values_list("code", "name")
        )
        self.choice_field("typology").choices = everyone + list(dict(typologies).items())
        labels = dict(CaseState.choices)
        self.choice_field("state").choices = [("", _("Todos"))] + [
            (s, labels[s]) for s in map_states(public=public)
        ]
        self.choice_field("phase").choices = [("", _("Todas")), *list(Phase.choices)]
        self.choice_field("institution").choices = everyone + list(
            Institution.objects.order_by("name").values_list("slug", "name")
        )

    def choice_field(self, name: str) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields[name])

    def clean_bbox(self) -> tuple[float, float, float, float]:
        text = (self.cleaned_data.get("bbox") or "").strip()
        if not text:
            return PERU_BBOX
        message = _(
            "Área no válida: use «oeste,sur,este,norte» en grados decimales "
            "(longitudes entre -180 y 180, latitudes entre -90 y 90, oeste < este, sur < norte)."
        )
        parts = text.split(",")
        if len(parts) != 4:
            raise ValidationError(message, code="bbox")
        try:
            west, south, east, north = (float(p) for p in parts)
        except ValueError as exc:
            raise ValidationError(message, code="bbox") from exc
        if not all(math.isfinite(v) for v in (west, south, east, north)):
            raise ValidationError(message, code="bbox")
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            raise ValidationError(message, code="bbox")
        return (west, south, east, north)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("La fecha final es anterior a la inicial."))
        today = timezone.localdate()
        if start and start > today:
            self.add_error("date_from", _("La fecha inicial está en el futuro."))
        return data

    def query(self) -> MapQuery:
        """The checked query (call after ``is_valid()``)."""
        data = self.cleaned_data
        typology, institution = data.get("typology") or "", data.get("institution") or ""
        return MapQuery(
            public=self.public,
            layer=data.get("layer") or MapLayer.CASES,
            level=data.get("level") or MapLevel.DEPARTMENT,
            measure=data.get("measure") or MapMeasure.COUNT,
            bbox=data.get("bbox") or PERU_BBOX,
            zoom=data["zoom"] if data.get("zoom") is not None else 5,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            typology=typology,
            state=data.get("state") or "",
            phase=data.get("phase") or "",
            institution=institution,
            typology_ids=tuple(Category.objects.filter(code=typology).values_list("id", flat=True))
            if typology
            else (),
            institution_ids=tuple(
                Institution.objects.filter(slug=institution).values_list("id", flat=True)
            )
            if institution
            else (),
        )
