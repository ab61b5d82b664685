"""Forms of the case registry pages. They check input; the services in ``services.py`` decide
and save. A service's ValidationError is put back on the form with ``apply_service_errors``."""

import datetime as dt
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Field, QuerySet
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from willaq.accounts.access import AnyUser, institutions_with_role
from willaq.accounts.models import Institution
from willaq.cases.access import CREATOR_ROLES, usable_categories
from willaq.cases.choices import (
    CONFIDENTIAL_CAPABLE_FIELDS,
    PLACELESS_SCOPES,
    PROTEST_EVENT_TYPES,
    SUB_EVENT_PARENT,
    ActorKind,
    ActorRole,
    ActorTypeCode,
    Attitude,
    CaseScope,
    CaseState,
    CategoryKind,
    CompetentAuthority,
    DatePrecision,
    DialogueMechanism,
    EventType,
    EvidenceKind,
    GeoPrecision,
    InstitutionRole,
    OrganisationType,
    PcmClassification,
    Phase,
    ProtestForm,
    RelationKind,
    Sex,
    StartDatePrecision,
    SubEventType,
    VictimGroup,
    VictimOutcome,
)
from willaq.cases.models import Actor, Case, Category, Event, NewsItem, Victim
from willaq.cases.selectors import departments, filter_institutions, shared_categories
from willaq.cases.services import (
    CASE_DATA_FIELDS,
    TRANSITIONS,
    PlaceInput,
    effective_moment,
    registrar_classification,
)
from willaq.core.widgets import CodePickerInput
from willaq.territory.forms import PlaceForm
from willaq.territory.models import Grouping

MAX_PLACES = 3


def model_label(model: type[Case | Event | Victim | Actor | NewsItem], name: str) -> StrOrPromise:
    """The model field's verbose name, capitalised (lazily, so it follows the active language)."""
    model_field = model._meta.get_field(name)
    assert isinstance(model_field, Field)
    return capfirst(model_field.verbose_name)


def _blank(choices: Any, label: StrOrPromise = "—") -> list[tuple[Any, Any]]:
    return [("", label), *[(value, text) for value, text in choices if value != ""]]


def _textarea() -> forms.Textarea:
    return forms.Textarea(attrs={"rows": 3})


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def effective_date_field(default: StrOrPromise = "") -> forms.DateField:
    """When a change recorded late took effect (services take it as ``at``); empty is now.
    ``default`` says what an empty one means where it is not simply today (a record with a
    natural date of its own) or what the date is of (a merge, a state change)."""
    help_text = _("Si registra tarde algo que ya ocurrió: desde cuándo vale. No en el futuro.")
    return forms.DateField(
        label=_("Fecha efectiva"),
        required=False,
        widget=_date_input(),
        help_text=format_lazy("{} {}", help_text, default) if default else help_text,
    )


def far_point_field() -> forms.BooleanField:
    """The confirmation a point far from its place needs (services.check_point)."""
    return forms.BooleanField(
        label=_("Confirmo que el punto es correcto aunque esté lejos del lugar indicado"),
        required=False,
        help_text=_("Solo se pide cuando el punto está a más de 50 km del lugar y fuera de él."),
    )


def apply_service_errors(
    form: forms.Form, error: ValidationError, field_map: Mapping[str, str] | None = None
) -> None:
    """Show a service's ValidationError next to the form fields it names."""
    field_map = field_map or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, messages in error.message_dict.items():
        name = field_map.get(key, key)
        if name in form.fields:
            form.add_error(name, messages)
        else:
            form.add_error(None, messages)


class CaseCodesInput(CodePickerInput):
    """Several cases by their codes separated by commas, picked by code or name."""

    search_url = reverse_lazy("cases:case_search")
    search_label = _("Buscar un caso por su código o nombre")
    none_label = _("Ningún caso encontrado.")
    remove_label = _("Quitar")


# --- the case ----------------------------------------------------------------------------------


class CaseForm(PlaceForm):
    """All of a case's data. On create the user picks one of the institutions they edit for."""

    institution = forms.ModelChoiceField(
        label=_("Institución que registra"), queryset=Institution.objects.none()
    )
    name = forms.CharField(label=model_label(Case, "name"), max_length=250)
    description = forms.CharField(
        label=model_label(Case, "description"), required=False, widget=_textarea()
    )
    start_date = forms.DateField(label=model_label(Case, "start_date"), widget=_date_input())
    start_date_precision = forms.ChoiceField(
        label=model_label(Case, "start_date_precision"),
        choices=StartDatePrecision.choices,
        initial=StartDatePrecision.DAY,
        required=False,
        help_text=_(
            "Si solo se conoce el año o el mes, elija esa precisión (se mostrará «2019» o "
            "«dic. 2019»); «antes de» dice que el caso empezó en esa fecha o antes."
        ),
    )
    end_date = forms.DateField(
        label=model_label(Case, "end_date"), required=False, widget=_date_input()
    )
    scope = forms.ChoiceField(
        label=model_label(Case, "scope"),
        choices=_blank(CaseScope.choices, _("Según los lugares (local o regional)")),
        required=False,
        help_text=_(
            "Local: un departamento; regional: varios departamentos (indique cada uno). Un caso "
            "nacional o multirregional puede no tener lugares."
        ),
    )
    typology = forms.ModelChoiceField(
        label=model_label(Case, "typology"), queryset=Category.objects.none()
    )
    subtype = forms.ModelChoiceField(
        label=model_label(Case, "subtype"),
        queryset=Category.objects.none(),
        required=False,
        help_text=_("Para los casos socioambientales: la actividad."),
    )
    competent_authority = forms.ChoiceField(
        label=model_label(Case, "competent_authority"),
        choices=_blank(CompetentAuthority.choices),
        required=False,
    )
    pcm_classification = forms.ChoiceField(
        label=_("Clasificación PCM (de la institución que registra)"),
        choices=_blank(PcmClassification.choices),
        required=False,
    )
    demands = forms.CharField(
        label=model_label(Case, "demands"), required=False, widget=_textarea()
    )
    causes = forms.CharField(label=model_label(Case, "causes"), required=False, widget=_textarea())
    triggers = forms.CharField(
        label=model_label(Case, "triggers"), required=False, widget=_textarea()
    )
    legislation = forms.CharField(
        label=model_label(Case, "legislation"), required=False, widget=_textarea()
    )
    investment = forms.CharField(
        label=model_label(Case, "investment"), required=False, widget=_textarea()
    )
    investment_amount = forms.DecimalField(
        label=model_label(Case, "investment_amount"),
        required=False,
        max_digits=16,
        decimal_places=2,
        min_value=0,
    )
    strategies = forms.CharField(
        label=model_label(Case, "strategies"), required=False, widget=_textarea()
    )
    next_steps = forms.CharField(
        label=model_label(Case, "next_steps"), required=False, widget=_textarea()
    )
    sectors = forms.ModelMultipleChoiceField(
        label=model_label(Case, "sectors"),
        queryset=Category.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    latitude = forms.FloatField(
        label=model_label(Case, "latitude"), required=False, min_value=-90, max_value=90
    )
    longitude = forms.FloatField(
        label=model_label(Case, "longitude"), required=False, min_value=-180, max_value=180
    )
    confidential_fields = forms.MultipleChoiceField(
        label=_("Campos confidenciales"),
        help_text=_("Las otras instituciones verán «Confidencial» en lugar de su contenido."),
        choices=[(name, model_label(Case, name)) for name in CONFIDENTIAL_CAPABLE_FIELDS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    confirm_far_point = far_point_field()
    needs_review = forms.BooleanField(label=model_label(Case, "needs_review"), required=False)
    review_note = forms.CharField(
        label=model_label(Case, "review_note"), required=False, widget=_textarea()
    )
    effective_date = forms.DateField(
        label=_("Fecha efectiva"),
        required=False,
        widget=_date_input(),
        help_text=_(
            "Cuándo ocurrió este cambio, si fue antes de hoy (por defecto, hoy). Las cifras de "
            "cada mes siguen esta fecha; el historial muestra también cuándo se registró."
        ),
    )

    # Groups for the template, in order (places are rendered between "when and where" and the rest).
    SECTIONS: tuple[tuple[StrOrPromise, tuple[str, ...]], ...] = (
        (
            _("Identificación"),
            (
                "institution",
                "name",
                "description",
                "start_date",
                "start_date_precision",
                "end_date",
                "scope",
            ),
        ),
        (
            _("Clasificación"),
            ("typology", "subtype", "competent_authority", "pcm_classification", "sectors"),
        ),
        (
            _("Análisis"),
            (
                "demands",
                "causes",
                "triggers",
                "legislation",
                "investment",
                "investment_amount",
                "strategies",
                "next_steps",
            ),
        ),
        (_("Punto en el mapa (opcional)"), ("latitude", "longitude", "confirm_far_point")),
        (_("Confidencialidad"), ("confidential_fields",)),
        (_("Revisión"), ("needs_review", "review_note")),
        (_("Fecha efectiva del cambio"), ("effective_date",)),
    )

    def __init__(self, *args: Any, user: AnyUser, case: Case | None = None, **kwargs: Any) -> None:
        if case is not None and not kwargs.get("initial"):
            kwargs["initial"] = self.initial_for(case)
        super().__init__(*args, **kwargs)
        self.case = case
        if case is None:
            institutions = institutions_with_role(user, CREATOR_ROLES)
            field = self.fields["institution"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = institutions
            if len(institutions) == 1:
                field.empty_label = None
                field.initial = institutions[0]
            owner_ids = [i.pk for i in institutions]
            del self.fields["effective_date"]  # a new case is recorded as of its creation
        else:
            del self.fields["institution"]
            owner_ids = [case.institution_id]
            # The browser's date picker offers only the days the service accepts: from the
            # case's start (or its entry in the registry, if later) to today.
            entered = case.history.order_by("history_date").values_list("history_date", flat=True)
            earliest = max(
                [case.start_date] + [timezone.localtime(first).date() for first in entered[:1]]
            )
            self.fields["effective_date"].widget.attrs.update(
                min=earliest.isoformat(), max=timezone.localdate().isoformat()
            )
        for name, kind in (
            ("typology", CategoryKind.TYPOLOGY),
            ("subtype", CategoryKind.SUBTYPE),
            ("sectors", CategoryKind.SECTOR),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = self._categories(kind, owner_ids)
        grouping_choices = _blank(
            Grouping.objects.order_by("name").values_list("code", "name"),
            str(_("— ninguna —")),
        )
        for i in range(MAX_PLACES):
            # Department is not required: a grouping may stand for the place, and a national
            # or multi-regional case may have none (the service says when one is missing).
            self.add_place_fields(f"place{i}", required=False)
            self.fields[f"place{i}_grouping"] = forms.ChoiceField(
                label=_("o una agrupación"),
                choices=grouping_choices,
                required=False,
            )

    @staticmethod
    def _categories(kind: CategoryKind, owner_ids: list[int]) -> QuerySet[Category]:
        return (
            usable_categories(owner_ids)
            .filter(kind=kind, is_active=True)
            .order_by("sort_order", "name")
        )

    @classmethod
    def initial_for(cls, case: Case) -> dict[str, Any]:
        initial: dict[str, Any] = {f: getattr(case, f) for f in CASE_DATA_FIELDS}
        initial["typology"] = case.typology_id
        initial["subtype"] = case.subtype_id
        initial["sectors"] = list(case.sectors.values_list("pk", flat=True))
        initial["pcm_classification"] = registrar_classification(case)
        places = sorted(
            case.places.select_related("ubigeo", "grouping"),
            key=lambda p: (not p.is_principal, p.pk),
        )
        for i, place in enumerate(places[:MAX_PLACES]):
            if place.grouping is not None:
                initial[f"place{i}_grouping"] = place.grouping.code
            else:
                initial |= cls.place_initial(f"place{i}", place.ubigeo)
        return initial

    @property
    def place_rows(self) -> list[list[forms.BoundField]]:
        return [
            [
                self[f"place{i}_{level}"]
                for level in ("department", "province", "district", "grouping")
            ]
            for i in range(MAX_PLACES)
        ]

    @property
    def sections(self) -> list[tuple[StrOrPromise, list[forms.BoundField]]]:
        return [
            (title, [self[name] for name in names if name in self.fields])
            for title, names in self.SECTIONS
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        institution = cleaned.get("institution") or (self.case.institution if self.case else None)
        for name in ("typology", "subtype"):
            category = cleaned.get(name)
            if (
                isinstance(category, Category)
                and category.institution_id is not None
                and institution is not None
                and category.institution_id != institution.pk
            ):
                self.add_error(name, _("Esa categoría es de otra institución."))
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error(
                "end_date", _("La fecha de fin no puede ser anterior a la fecha de inicio.")
            )
        effective = cleaned.get("effective_date")
        if effective and effective > timezone.localdate():
            self.add_error("effective_date", _("La fecha efectiva no puede estar en el futuro."))
        elif effective and start and effective < start:
            self.add_error(
                "effective_date",
                _("La fecha efectiva no puede ser anterior a la fecha de inicio del caso."),
            )
        codes: list[str] = []
        self.place_inputs: list[PlaceInput] = []
        for i in range(MAX_PLACES):
            grouping = str(cleaned.get(f"place{i}_grouping") or "")
            code = self.clean_place(f"place{i}", cleaned)
            if grouping and code:
                self.add_error(
                    f"place{i}_grouping",
                    _("Elija una agrupación o un departamento, provincia y distrito, no ambos."),
                )
                continue
            key = grouping or code
            if not key:
                continue
            if key in codes:
                self.add_error(f"place{i}_department", _("Este lugar ya está en la lista."))
                continue
            codes.append(key)
            principal = not self.place_inputs
            self.place_inputs.append(
                PlaceInput(grouping_code=grouping, is_principal=principal)
                if grouping
                else PlaceInput(code or "", is_principal=principal)
            )
        self.place_codes = codes
        # The first row is the principal place: required, unless the case may have none.
        placeless = cleaned.get("scope") in PLACELESS_SCOPES or cleaned.get("needs_review")
        first_given = bool(cleaned.get("place0_grouping") or cleaned.get("place0_department"))
        if (
            not first_given
            and (self.place_inputs or not placeless)
            and not self.has_error("place0_department")
        ):
            self.add_error("place0_department", _("Elija al menos el departamento."))
        return cleaned

    def case_data(self) -> dict[str, Any]:
        data = {f: self.cleaned_data.get(f) for f in CASE_DATA_FIELDS if f in self.fields}
        data["confirm_far_point"] = bool(self.cleaned_data.get("confirm_far_point"))
        data["confidential_fields"] = list(self.cleaned_data.get("confidential_fields") or [])
        data["sectors"] = list(self.cleaned_data.get("sectors") or [])
        data["pcm_classification"] = self.cleaned_data.get("pcm_classification") or ""
        if not data.get("scope"):
            data.pop("scope", None)  # the places decide: local or regional
        if not data.get("start_date_precision"):
            data["start_date_precision"] = StartDatePrecision.DAY
        data["needs_review"] = bool(self.cleaned_data.get("needs_review"))
        return data

    def places(self) -> list[PlaceInput]:
        return list(self.place_inputs)

    def effective_at(self) -> "dt.datetime | None":
        """When the change took effect (None: now)."""
        return effective_moment(self.cleaned_data.get("effective_date"))

    # Service error keys that are not form field names.
    SERVICE_FIELDS = {
        "sector": "sectors",
        "places": NON_FIELD_ERRORS,
        "external_ids": NON_FIELD_ERRORS,
    }


def clean_effective_date(form: forms.Form) -> Any:
    value = form.cleaned_data.get("effective_date")
    if value and value > timezone.localdate():
        raise ValidationError(_("La fecha efectiva no puede estar en el futuro."))
    return value


class ExternalIdForm(forms.Form):
    """A case's identifier in another system (the ombudsman's case id…)."""

    source = forms.SlugField(
        label=_("Sistema de origen"),
        max_length=40,
        help_text=_("Un nombre corto, sin espacios: «defensoria», «onds»…"),
    )
    external_id = forms.CharField(label=_("Identificador"), max_length=100)


class ClassificationForm(forms.Form):
    """An institution's classification of a case under the PCM methodology."""

    institution = forms.ModelChoiceField(
        label=_("Institución que clasifica"), queryset=Institution.objects.none(), empty_label=None
    )
    classification = forms.ChoiceField(
        label=_("Clasificación PCM"),
        choices=_blank(PcmClassification.choices, _("— sin clasificar (retirar) —")),
        required=False,
        help_text=_(
            "Diferencia: opiniones opuestas. Controversia: posiciones opuestas sobre un hecho o "
            "una decisión concreta. Conflicto social: un proceso que amenaza la gobernabilidad o "
            "el orden público y requiere la intervención del Estado."
        ),
    )
    note = forms.CharField(label=_("Fundamento"), required=False, widget=_textarea())
    effective_date = effective_date_field(
        _("Desde cuándo vale esta clasificación (por defecto, hoy).")
    )

    def __init__(self, *args: Any, institutions: list[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["institution"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Institution.objects.filter(pk__in=[i.pk for i in institutions])

    def clean_effective_date(self) -> Any:
        return clean_effective_date(self)


class MergeForm(forms.Form):
    """Merge this case into another: the absorbing case by its code, with the reason."""

    into = forms.CharField(
        label=_("Caso en que se fusiona"),
        max_length=40,
        help_text=_("El código del caso que lo absorbe (por ejemplo, 2025-0042)."),
    )
    reason = forms.CharField(label=_("Motivo"), widget=_textarea())
    effective_date = effective_date_field(
        _("Cuándo se fusionó, si fue antes de hoy (por defecto, hoy).")
    )

    def clean_effective_date(self) -> Any:
        return clean_effective_date(self)


# --- the list's filters ------------------------------------------------------------------------


class CaseFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Buscar"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _(
                    "Código, nombre, lugar, actor, texto o identificador externo del caso"
                ),
            }
        ),
    )
    state = forms.ChoiceField(
        label=_("Estado"), required=False, choices=_blank(CaseState.choices, _("Todos"))
    )
    phase = forms.ChoiceField(
        label=_("Fase"), required=False, choices=_blank(Phase.choices, _("Todas"))
    )
    typology = forms.ChoiceField(label=_("Tipología"), required=False)
    department = forms.ChoiceField(label=_("Departamento"), required=False)
    institution = forms.ChoiceField(label=_("Institución"), required=False)
    start_from = forms.DateField(
        label=_("Inicio desde"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    start_to = forms.DateField(
        label=_("Inicio hasta"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    last_event_from = forms.DateField(
        label=_("Último evento desde"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    last_event_to = forms.DateField(
        label=_("Último evento hasta"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    needs_review = forms.BooleanField(label=_("Solo casos por revisar"), required=False)
    sort = forms.ChoiceField(
        label=_("Ordenar por"),
        required=False,
        choices=[
            ("-start_date", _("Inicio (recientes primero)")),
            ("start_date", _("Inicio (antiguos primero)")),
            ("code", _("Código (A–Z)")),
            ("-code", _("Código (Z–A)")),
            ("name", _("Nombre (A–Z)")),
            ("-name", _("Nombre (Z–A)")),
            ("state", _("Estado")),
            ("-state", _("Estado (inverso)")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        all_label = str(_("Todas"))
        self.fields["typology"].choices = _blank(  # type: ignore[attr-defined]
            shared_categories(CategoryKind.TYPOLOGY).values_list("code", "name"), all_label
        )
        self.fields["department"].choices = _blank(  # type: ignore[attr-defined]
            departments().values_list("code", "name"), str(_("Todos"))
        )
        self.fields["institution"].choices = _blank(  # type: ignore[attr-defined]
            [(i.slug, i.acronym or i.name) for i in filter_institutions()], all_label
        )


# --- workflow ----------------------------------------------------------------------------------


class TransitionForm(forms.Form):
    name = forms.ChoiceField(choices=[(name, name) for name in TRANSITIONS])
    reason = forms.CharField(label=_("Motivo"), required=False, widget=_textarea())
    phase = forms.ChoiceField(
        label=_("Fase"), choices=Phase.choices, required=False, initial=Phase.EARLY
    )
    dialogue_mechanism = forms.ChoiceField(
        label=_("Mecanismo de diálogo"), choices=_blank(DialogueMechanism.choices), required=False
    )
    institution_role = forms.ChoiceField(
        label=_("Rol de la institución"), choices=_blank(InstitutionRole.choices), required=False
    )
    effective_date = effective_date_field(
        _("Cuándo ocurrió el cambio de estado, si fue antes de hoy (por defecto, hoy).")
    )

    def clean_effective_date(self) -> Any:
        return clean_effective_date(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("phase") != Phase.DIALOGUE:
            # Hidden outside the dialogue phase; ignore what the selects still hold.
            cleaned["dialogue_mechanism"] = ""
            cleaned["institution_role"] = ""
        return cleaned


class PhaseForm(forms.Form):
    phase = forms.ChoiceField(label=_("Fase"), choices=Phase.choices)
    dialogue_mechanism = forms.ChoiceField(
        label=_("Mecanismo de diálogo"),
        choices=_blank(DialogueMechanism.choices),
        required=False,
    )
    institution_role = forms.ChoiceField(
        label=_("Rol de la institución"), choices=_blank(InstitutionRole.choices), required=False
    )
    effective_date = effective_date_field(
        _("Cuándo cambió la fase, si fue antes de hoy (por defecto, hoy).")
    )

    def clean_effective_date(self) -> Any:
        return clean_effective_date(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("phase") != Phase.DIALOGUE:
            # The selects are hidden outside the dialogue phase; ignore what they still hold.
            cleaned["dialogue_mechanism"] = ""
            cleaned["institution_role"] = ""
        return cleaned


# --- records added to a case -------------------------------------------------------------------


def _sub_event_choices() -> list[tuple[str, Any]]:
    groups: list[tuple[str, Any]] = [("", "—")]
    for event_type in EventType:
        subs = [
            (sub.value, sub.label) for sub in SubEventType if SUB_EVENT_PARENT[sub] == event_type
        ]
        groups.append((str(event_type.label), subs))
    return groups


class EventForm(PlaceForm):
    """An event of a case, or (``caseless``) for a place without a case: then the user picks
    the recording institution when they record events for several, and (``linkable``, when
    editing a caseless event) may link it to a case by its code."""

    event_date = forms.DateField(label=model_label(Event, "event_date"), widget=_date_input())
    end_date = forms.DateField(
        label=_("Fecha de fin (acciones de varios días)"),
        required=False,
        widget=_date_input(),
        help_text=_("Último día de un paro o una toma de varios días; vacío si duró un día."),
    )
    date_precision = forms.TypedChoiceField(
        label=model_label(Event, "date_precision"),
        choices=DatePrecision.choices,
        coerce=int,
        initial=DatePrecision.DAY,
    )
    event_type = forms.ChoiceField(
        label=model_label(Event, "event_type"), choices=_blank(EventType.choices)
    )
    sub_event_type = forms.ChoiceField(
        label=model_label(Event, "sub_event_type"), choices=_sub_event_choices()
    )
    protest_form = forms.ChoiceField(
        label=model_label(Event, "protest_form"),
        choices=ProtestForm.choices,
        required=False,
        help_text=_("Solo en protestas y disturbios."),
        # static/js/cases.js hides and clears it for the other event types.
        widget=forms.Select(attrs={"data-protest-types": " ".join(PROTEST_EVENT_TYPES)}),
    )
    actor1 = forms.CharField(label=model_label(Event, "actor1"), max_length=200)
    inter1 = forms.TypedChoiceField(
        label=model_label(Event, "inter1"), choices=_blank(ActorTypeCode.choices), coerce=int
    )
    assoc_actor_1 = forms.CharField(
        label=model_label(Event, "assoc_actor_1"), max_length=300, required=False
    )
    actor2 = forms.CharField(label=model_label(Event, "actor2"), max_length=200, required=False)
    inter2 = forms.TypedChoiceField(
        label=model_label(Event, "inter2"),
        choices=_blank(ActorTypeCode.choices),
        coerce=int,
        empty_value=None,
        required=False,
    )
    assoc_actor_2 = forms.CharField(
        label=model_label(Event, "assoc_actor_2"), max_length=300, required=False
    )
    location = forms.CharField(label=model_label(Event, "location"), max_length=200, required=False)
    latitude = forms.FloatField(
        label=model_label(Event, "latitude"), required=False, min_value=-90, max_value=90
    )
    longitude = forms.FloatField(
        label=model_label(Event, "longitude"), required=False, min_value=-180, max_value=180
    )
    geo_precision = forms.TypedChoiceField(
        label=model_label(Event, "geo_precision"),
        choices=GeoPrecision.choices,
        coerce=int,
        initial=GeoPrecision.NEAR,
    )
    sources = forms.CharField(
        label=model_label(Event, "sources"),
        required=False,
        widget=_textarea(),
        help_text=_("Confidencial: solo su institución lo ve."),
    )
    source_scale = forms.CharField(
        label=model_label(Event, "source_scale"), max_length=60, required=False
    )
    reported_by = forms.CharField(
        label=model_label(Event, "reported_by"),
        max_length=200,
        required=False,
        help_text=_("Confidencial: solo su institución lo ve."),
    )
    notes = forms.CharField(label=model_label(Event, "notes"), required=False, widget=_textarea())
    confirm_far_point = far_point_field()
    effective_date = effective_date_field(
        _("Por defecto, un evento nuevo vale desde su fecha; una corrección, desde hoy.")
    )

    # Fields that are not the event's own columns.
    NOT_EVENT_DATA = ("effective_date", "institution", "case_code")

    def __init__(
        self,
        *args: Any,
        caseless_institutions: QuerySet[Institution] | None = None,
        linkable: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.add_place_fields("place", required=True)
        if caseless_institutions is not None and caseless_institutions.count() > 1:
            self.fields["institution"] = forms.ModelChoiceField(
                label=_("Institución que registra"),
                queryset=caseless_institutions,
                empty_label=None,
            )
        if linkable:
            self.fields["case_code"] = forms.CharField(
                label=_("Vincular a un caso (código)"),
                max_length=20,
                required=False,
                help_text=_("El código del caso, p. ej. 2025-0042. Vacío: sigue sin caso."),
            )
        order = list(self.fields)
        first_place = order.index("location")
        places = ["place_department", "place_province", "place_district"]
        rest = [name for name in order if name not in places]
        self.order_fields(rest[:first_place] + places + rest[first_place:])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        event_type, sub = cleaned.get("event_type"), cleaned.get("sub_event_type")
        if event_type and sub and SUB_EVENT_PARENT.get(sub) != event_type:
            self.add_error("sub_event_type", _("El subtipo no corresponde al tipo de evento."))
        if event_type and event_type not in PROTEST_EVENT_TYPES:
            # Hidden for the other types; what the select still holds is not a protest form.
            cleaned["protest_form"] = ""
        self.ubigeo_code = self.clean_place("place", cleaned)
        return cleaned

    def event_data(self) -> dict[str, Any]:
        data = {
            name: self.cleaned_data.get(name)
            for name in self.fields
            if not name.startswith("place_") and name not in self.NOT_EVENT_DATA
        }
        for name in ("protest_form",):
            data[name] = data[name] or ""
        data["ubigeo_code"] = self.ubigeo_code
        return data

    SERVICE_FIELDS = {"ubigeo_code": "place_department", "case": "case_code"}


class EventFilterForm(forms.Form):
    """The filters of the event list (``selectors.EventFilters``)."""

    date_from = forms.DateField(label=_("Desde"), required=False, widget=_date_input())
    date_to = forms.DateField(label=_("Hasta"), required=False, widget=_date_input())
    department = forms.ChoiceField(label=_("Departamento"), required=False)
    event_type = forms.ChoiceField(
        label=_("Tipo de evento"), required=False, choices=_blank(EventType.choices, _("Todos"))
    )
    protest_form = forms.ChoiceField(
        label=_("Forma de protesta"),
        required=False,
        choices=_blank(ProtestForm.choices, _("Todas")),
    )
    with_case = forms.ChoiceField(
        label=_("Caso"),
        required=False,
        choices=[("", _("Con o sin caso")), ("si", _("Con caso")), ("no", _("Sin caso"))],
    )
    institution = forms.ChoiceField(label=_("Institución"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = _blank(  # type: ignore[attr-defined]
            departments().values_list("code", "name"), str(_("Todos"))
        )
        self.fields["institution"].choices = _blank(  # type: ignore[attr-defined]
            [(i.slug, i.acronym or i.name) for i in filter_institutions()], str(_("Todas"))
        )


class VictimForm(forms.Form):
    # No choice is preselected: an untouched form must not record a death of a civilian.
    outcome = forms.ChoiceField(
        label=model_label(Victim, "outcome"),
        choices=_blank(VictimOutcome.choices, _("— elija —")),
    )
    group = forms.ChoiceField(
        label=model_label(Victim, "group"),
        choices=_blank(VictimGroup.choices, _("— elija —")),
    )
    full_name = forms.CharField(
        label=model_label(Victim, "full_name"), max_length=200, required=False
    )
    document_number = forms.CharField(
        label=model_label(Victim, "document_number"), max_length=20, required=False
    )
    age = forms.IntegerField(
        label=model_label(Victim, "age"), min_value=0, max_value=120, required=False
    )
    sex = forms.ChoiceField(label=model_label(Victim, "sex"), choices=Sex.choices, required=False)
    notes = forms.CharField(label=model_label(Victim, "notes"), required=False, widget=_textarea())
    effective_date = effective_date_field(
        _("Por defecto, una víctima vale desde la fecha del evento.")
    )


class ActorSearchWidget(forms.Widget):
    """A search box that lists matching actors as radio buttons (HTMX, ``cases:actor_search``).

    Never lists the whole registry: only what the search finds among the actors the user may
    see, so a page with thousands of actors stays small."""

    template_name = "cases/widgets/actor_search.html"
    search_url = ""
    queryset: Any = None

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        selected = None
        if value and self.queryset is not None:
            selected = self.queryset.filter(uuid=value).first() if _is_uuid(value) else None
        context["widget"].update({"search_url": self.search_url, "selected": selected})
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name) or None


def _is_uuid(value: Any) -> bool:
    try:
        UUID(str(value))
    except ValueError:
        return False
    return True


class ActorLinkFields(forms.Form):
    """Role, position and intensity of an actor in a case (linking and editing a link)."""

    role = forms.ChoiceField(label=_("Rol en el caso"), choices=_blank(ActorRole.choices))
    position = forms.CharField(label=_("Demandas y posición"), required=False, widget=_textarea())
    intensity = forms.IntegerField(
        label=_("Intensidad (1–5)"),
        min_value=1,
        max_value=5,
        required=False,
        help_text=_("1 baja, 5 muy alta"),
    )
    effective_date = effective_date_field()


class ActorLinkForm(ActorLinkFields):
    """Link an actor the user may see (found by search), or describe a new one."""

    actor = forms.ModelChoiceField(
        label=_("Actor ya registrado"),
        queryset=Actor.objects.none(),
        required=False,
        to_field_name="uuid",
        widget=ActorSearchWidget,
        error_messages={"invalid_choice": _("Actor desconocido.")},
    )
    new_name = forms.CharField(label=_("Nombre del nuevo actor"), max_length=250, required=False)
    new_kind = forms.ChoiceField(
        label=_("Clase"),
        choices=ActorKind.choices,
        initial=ActorKind.ORGANISATION,
        required=False,
    )
    new_organisation_type = forms.ChoiceField(
        label=_("Tipo de actor"), choices=_blank(OrganisationType.choices), required=False
    )
    new_description = forms.CharField(label=_("Descripción"), required=False, widget=_textarea())
    confirm_new = forms.BooleanField(
        label=_("Es un actor distinto de los parecidos: registrarlo de todos modos"),
        required=False,
    )
    field_order = ["actor", "new_name", "new_kind", "new_organisation_type", "new_description"]

    def __init__(self, *args: Any, actors: Any, search_url: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["actor"]
        field.queryset = actors  # type: ignore[attr-defined]
        widget = field.widget
        assert isinstance(widget, ActorSearchWidget)
        widget.queryset = actors
        widget.search_url = search_url

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        nothing = cleaned.get("actor") is None and not (cleaned.get("new_name") or "").strip()
        if nothing and "actor" not in self.errors:
            self.add_error(
                "actor", _("Elija un actor registrado o escriba el nombre de uno nuevo.")
            )
        return cleaned

    def actor_data(self) -> dict[str, Any]:
        return {
            "name": self.cleaned_data["new_name"],
            "kind": self.cleaned_data.get("new_kind") or ActorKind.ORGANISATION,
            "organisation_type": self.cleaned_data.get("new_organisation_type") or "",
            "description": self.cleaned_data.get("new_description") or "",
        }

    SERVICE_FIELDS = {
        "name": "new_name",
        "kind": "new_kind",
        "organisation_type": "new_organisation_type",
        "description": "new_description",
    }


class ActorMergeForm(forms.Form):
    into = forms.ModelChoiceField(
        label=_("Fusionar en (el actor que queda)"),
        queryset=Actor.objects.none(),
        to_field_name="uuid",
        widget=ActorSearchWidget,
        error_messages={"invalid_choice": _("Actor desconocido.")},
    )

    def __init__(self, *args: Any, actors: Any, search_url: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["into"]
        field.queryset = actors  # type: ignore[attr-defined]
        widget = field.widget
        assert isinstance(widget, ActorSearchWidget)
        widget.queryset = actors
        widget.search_url = search_url


class NewsForm(forms.Form):
    outlet = forms.CharField(label=model_label(NewsItem, "outlet"), max_length=150)
    title = forms.CharField(label=model_label(NewsItem, "title"), max_length=300)
    published_on = forms.DateField(
        label=model_label(NewsItem, "published_on"), widget=_date_input()
    )
    url = forms.URLField(
        label=model_label(NewsItem, "url"), max_length=500, required=False, assume_scheme="https"
    )
    region_code = forms.ChoiceField(label=_("Región"), required=False)
    effective_date = effective_date_field(
        _("Por defecto, una noticia nueva vale desde su fecha de publicación.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = _blank(  # type: ignore[attr-defined]
            departments().values_list("code", "name")
        )


class EvidenceForm(forms.Form):
    title = forms.CharField(label=_("Título"), max_length=250)
    kind = forms.ChoiceField(label=_("Tipo"), choices=EvidenceKind.choices)
    keywords = forms.CharField(label=_("Palabras clave"), max_length=300, required=False)
    file = forms.FileField(label=_("Archivo"))
    is_confidential = forms.BooleanField(
        label=_("Confidencial: solo mi institución la ve"), required=False
    )
    effective_date = effective_date_field()


class EvidenceEditForm(forms.Form):
    """Correct an evidence's description; the file stays (attach a new one to replace it)."""

    title = forms.CharField(label=_("Título"), max_length=250)
    kind = forms.ChoiceField(label=_("Tipo"), choices=EvidenceKind.choices)
    keywords = forms.CharField(label=_("Palabras clave"), max_length=300, required=False)
    is_confidential = forms.BooleanField(
        label=_("Confidencial: solo mi institución la ve"), required=False
    )
    effective_date = effective_date_field()


class RemoveForm(forms.Form):
    """The confirmation step of a removal: the reason is required and kept in the history."""

    reason = forms.CharField(
        label=_("Motivo de la eliminación"),
        widget=_textarea(),
        help_text=_("Queda en el historial. Un coordinador puede restaurar el registro."),
    )


# --- stakeholder map ------------------------------------------------------------------------


class StakeholderProfileForm(forms.Form):
    """An actor's profile on the case's stakeholder map (``update_stakeholder_profile``)."""

    conflict_role = forms.CharField(
        label=_("Papel en el conflicto"), max_length=250, required=False
    )
    interests = forms.CharField(label=_("Intereses"), required=False, widget=_textarea())
    position = forms.CharField(label=_("Demandas y posición"), required=False, widget=_textarea())
    influence = forms.IntegerField(
        label=_("Influencia (1–5)"), min_value=1, max_value=5, required=False
    )
    interest_level = forms.IntegerField(
        label=_("Interés (1–5)"), min_value=1, max_value=5, required=False
    )
    attitude = forms.ChoiceField(
        label=_("Actitud"), choices=_blank(Attitude.choices), required=False
    )
    effective_date = effective_date_field()


class MapDateForm(forms.Form):
    """The date of the map (``?as_of=``); empty is today."""

    as_of = forms.DateField(label=_("Mapa al"), required=False, widget=_date_input())


class RelationForm(forms.Form):
    """A relation between two actors linked to the case (``services.record_relation``)."""

    source = forms.ChoiceField(label=_("Actor"))
    target = forms.ChoiceField(label=_("Otro actor"))
    kind = forms.ChoiceField(label=_("Tipo de relación"), choices=_blank(RelationKind.choices))
    start_date = forms.DateField(label=_("Desde"), widget=_date_input())
    end_date = forms.DateField(
        label=_("Hasta"),
        required=False,
        widget=_date_input(),
        help_text=_("Último día (inclusive). Vacío si sigue."),
    )
    note = forms.CharField(
        label=_("Nota"),
        required=False,
        max_length=5000,
        widget=_textarea(),
        help_text=_("Análisis de su institución: las otras instituciones no la ven."),
    )

    def __init__(self, *args: Any, actors: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = _blank(actors)
        source = self.fields["source"]
        target = self.fields["target"]
        assert isinstance(source, forms.ChoiceField)
        assert isinstance(target, forms.ChoiceField)
        source.choices = choices
        target.choices = choices
        unknown = _("Ese actor no está vinculado a este caso.")
        source.error_messages["invalid_choice"] = unknown
        target.error_messages["invalid_choice"] = unknown


class RelationChangeForm(forms.Form):
    """From a date on, the relation is of another kind (``services.change_relation_kind``)."""

    kind = forms.ChoiceField(label=_("Nuevo tipo"), choices=_blank(RelationKind.choices))
    on = forms.DateField(label=_("Desde"), widget=_date_input())
    note = forms.CharField(
        label=_("Nota"),
        required=False,
        max_length=5000,
        widget=_textarea(),
        help_text=_("Vacía: se conserva la nota anterior."),
    )


class RelationEndForm(forms.Form):
    end_date = forms.DateField(
        label=_("Último día de la relación"), widget=_date_input(), help_text=_("Inclusive.")
    )
