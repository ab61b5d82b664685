"""Early warning's forms. Each part keeps its forms under its own heading. They check input; the
services in ``services/`` decide and save (a service's ValidationError is put back on the form
with ``willaq.cases.forms.apply_service_errors``)."""

import datetime as dt
import re
import uuid
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from willaq.accounts.access import AnyUser
from willaq.accounts.models import Institution, User
from willaq.cases.access import usable_categories
from willaq.cases.choices import (
    PROTEST_EVENT_TYPES,
    ActorTypeCode,
    CategoryKind,
    EventType,
    ProtestForm,
    SubEventType,
)
from willaq.cases.selectors import departments
from willaq.earlywarning.choices import (
    AlertCertainty,
    AlertLevel,
    AlertMessageType,
    AlertUrgency,
    Channel,
    OrderState,
    ReporterLevel,
    ReviewState,
    Urgency,
)
from willaq.earlywarning.models import PreAlert, Reporter
from willaq.earlywarning.selectors.response import OrderFilters
from willaq.earlywarning.selectors.triage import ORDERS, STATE_ALL, STATE_OPEN
from willaq.earlywarning.selectors_alerts import AlertState
from willaq.earlywarning.services.alerts import AREA_DESCRIPTION_MAX, HEADLINE_MAX, AlertInput
from willaq.earlywarning.services.intake import (
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    TEXT_LIMITS,
    Attachment,
)
from willaq.territory.forms import PlaceCodesInput, PlaceForm
from willaq.territory.models import Ubigeo


def _blank(choices: Any, label: Any = "—") -> list[tuple[Any, Any]]:
    return [("", label), *[(value, text) for value, text in choices if value != ""]]


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


# Triage ----------------------------------------------------------------------------------------

AGE_CHOICES = [
    ("", _("Cualquiera")),
    ("1h", _("Menos de 1 hora")),
    ("24h", _("Menos de 24 horas")),
    ("48h", _("Más de 48 horas")),
]
ORDER_LABELS = {
    "newest": _("Más recientes primero"),
    "oldest": _("Más antiguas primero"),
    "urgency": _("Más urgentes primero"),
}


class QueueFilterForm(forms.Form):
    """The triage queue's filters (``selectors.triage.QueueFilters``)."""

    state = forms.ChoiceField(
        label=_("Estado"),
        required=False,
        choices=[
            (STATE_OPEN, _("Por revisar (abiertas)")),
            *ReviewState.choices,
            (STATE_ALL, _("Todas")),
        ],
    )
    channel = forms.ChoiceField(
        label=_("Canal"), required=False, choices=_blank(Channel.choices, _("Todos"))
    )
    department = forms.ChoiceField(label=_("Departamento"), required=False)
    age = forms.ChoiceField(label=_("Antigüedad"), required=False, choices=AGE_CHOICES)
    urgency = forms.ChoiceField(
        label=_("Urgencia"), required=False, choices=_blank(Urgency.choices, _("Todas"))
    )
    reporter = forms.ChoiceField(label=_("Reportero"), required=False)
    assigned = forms.ChoiceField(
        label=_("Asignación"),
        required=False,
        choices=[("", _("De cualquiera")), ("yo", _("Asignadas a mí"))],
        widget=forms.Select,
    )
    unstructured = forms.BooleanField(label=_("Sin estructurar"), required=False)
    unknown_sender = forms.BooleanField(label=_("Remitente desconocido"), required=False)
    order = forms.ChoiceField(
        label=_("Orden"), required=False, choices=[(o, ORDER_LABELS[o]) for o in ORDERS]
    )

    def __init__(self, *args: Any, reporters: QuerySet[Reporter], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = _blank(  # type: ignore[attr-defined]
            departments().values_list("code", "name"), _("Todos")
        )
        self.fields["reporter"].choices = _blank(  # type: ignore[attr-defined]
            [(str(u), name) for u, name in reporters.values_list("uuid", "name")], _("Todos")
        )


BULK_ACTIONS = [
    ("assign", _("Asignar a…")),
    ("duplicate", _("Marcar como duplicadas de…")),
    ("reject", _("Rechazar con un motivo")),
    ("link", _("Vincular a un caso")),
]


class BulkActionForm(forms.Form):
    """One action on the chosen pre-alerts (``prealerts``: their uuids). The queue's bar and
    the single pre-alert's page post here."""

    action = forms.ChoiceField(label=_("Acción"), choices=_blank(BULK_ACTIONS, _("— elija —")))
    prealerts = forms.MultipleChoiceField(label=_("Prealertas"), required=True)
    assignee = forms.ModelChoiceField(
        label=_("Asignar a"), required=False, queryset=User.objects.none()
    )
    original = forms.CharField(
        label=_("Original (referencia de la prealerta)"),
        required=False,
        max_length=40,
        help_text=_("Los 8 primeros caracteres de la referencia, p. ej. 3f2a9c1b."),
    )
    reason = forms.CharField(
        label=_("Motivo del rechazo"), required=False, max_length=5000, widget=_textarea(2)
    )
    case = forms.CharField(label=_("Caso (código)"), required=False, max_length=40)
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    error_messages = {"required": _("Elija al menos una prealerta.")}

    def __init__(
        self, *args: Any, prealert_uuids: list[str], assignees: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["prealerts"].choices = [(u, u) for u in prealert_uuids]  # type: ignore[attr-defined]
        self.fields["prealerts"].error_messages["required"] = _("Elija al menos una prealerta.")
        self.fields["assignee"].queryset = assignees  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        action = cleaned.get("action")
        needs = {"assign": "assignee", "duplicate": "original", "reject": "reason", "link": "case"}
        wanted = needs.get(action or "")
        if wanted and not cleaned.get(wanted):
            messages = {
                "assignee": _("Elija a quién asignarlas."),
                "original": _("Indique la prealerta original."),
                "reason": _("Indique el motivo del rechazo."),
                "case": _("Indique el código del caso."),
            }
            self.add_error(wanted, messages[wanted])
        return cleaned


class ReviewStateForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Nuevo estado"),
        choices=[
            (ReviewState.IN_REVIEW, ReviewState.IN_REVIEW.label),
            (ReviewState.HAS_ISSUES, ReviewState.HAS_ISSUES.label),
        ],
    )
    note = forms.CharField(
        label=_("Observaciones para el reportero"),
        required=False,
        max_length=5000,
        widget=_textarea(),
        help_text=_("Obligatorias para «Con observaciones»: qué debe aclarar."),
    )


class StructureForm(PlaceForm):
    """What an analyst reads out of an unstructured pre-alert (or corrects in any open one)."""

    occurred_on = forms.DateField(label=_("Fecha del hecho"), required=False, widget=_date_input())
    location = forms.CharField(label=_("Localidad"), required=False, max_length=200)
    description = forms.CharField(label=_("Qué pasó"), max_length=5000, widget=_textarea(5))
    actors = forms.CharField(
        label=_("Actores"), required=False, max_length=2000, widget=_textarea()
    )
    demands = forms.CharField(
        label=_("Demandas"), required=False, max_length=2000, widget=_textarea()
    )
    measures = forms.CharField(
        label=_("Medidas de protesta anunciadas"),
        required=False,
        max_length=2000,
        widget=_textarea(2),
    )
    measures_date = forms.DateField(
        label=_("Fecha de las medidas anunciadas"), required=False, widget=_date_input()
    )
    urgency = forms.ChoiceField(label=_("Urgencia"), choices=Urgency.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_place_fields("place", required=True)
        self.order_fields(
            ["place_department", "place_province", "place_district", "location", "occurred_on"]
        )

    @classmethod
    def initial_for(cls, prealert: PreAlert) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(prealert, name)
            for name in (
                "occurred_on",
                "location",
                "description",
                "actors",
                "demands",
                "measures",
                "measures_date",
                "urgency",
            )
        }
        if prealert.ubigeo is not None:
            initial |= cls.place_initial("place", prealert.ubigeo)
        return initial

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.ubigeo_code = self.clean_place("place", cleaned)
        return cleaned

    def prealert_data(self) -> dict[str, object]:
        data: dict[str, object] = {
            name: self.cleaned_data.get(name)
            for name in (
                "occurred_on",
                "location",
                "description",
                "actors",
                "demands",
                "measures",
                "measures_date",
                "urgency",
            )
        }
        data["ubigeo"] = self.ubigeo_code or ""
        return data

    SERVICE_FIELDS = {"ubigeo": "place_department"}


VALIDATE_TARGETS = [
    ("event", _("Evento de un caso existente")),
    ("case", _("Caso nuevo (propuesto para aprobación)")),
]


class ValidateForm(forms.Form):
    """Validate a pre-alert into an event of a case (its code) or a new proposed case."""

    target = forms.ChoiceField(
        label=_("La prealerta se convierte en"),
        choices=VALIDATE_TARGETS,
        widget=forms.RadioSelect,
        initial="event",
    )
    case = forms.CharField(
        label=_("Caso (código o referencia)"),
        required=False,
        max_length=40,
        help_text=_("Para un evento de un caso existente, p. ej. 2024-0012."),
    )
    event_type = forms.ChoiceField(
        label=_("Tipo de evento"), required=False, choices=_blank(EventType.choices)
    )
    sub_event_type = forms.ChoiceField(
        label=_("Subtipo de evento"), required=False, choices=_blank(SubEventType.choices)
    )
    protest_form = forms.ChoiceField(
        label=_("Forma de protesta"),
        required=False,
        choices=ProtestForm.choices,
        help_text=_("Solo en protestas y disturbios."),
        widget=forms.Select(attrs={"data-protest-types": " ".join(PROTEST_EVENT_TYPES)}),
    )
    actor1 = forms.CharField(label=_("Actor 1"), required=False, max_length=200)
    inter1 = forms.TypedChoiceField(
        label=_("Tipo de actor 1"),
        required=False,
        choices=_blank(ActorTypeCode.choices),
        coerce=int,
        empty_value=None,
    )
    name = forms.CharField(label=_("Nombre del caso nuevo"), required=False, max_length=250)
    typology = forms.ChoiceField(label=_("Tipología del caso nuevo"), required=False)

    def __init__(self, *args: Any, institution: Institution, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["typology"].choices = _blank(  # type: ignore[attr-defined]
            usable_categories([institution.pk])
            .filter(kind=CategoryKind.TYPOLOGY, is_active=True, parent__isnull=True)
            .order_by("name")
            .values_list("code", "name")
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("target") == "event":
            for name, message in (
                ("case", _("Indique el caso.")),
                ("event_type", _("Elija el tipo de evento.")),
                ("sub_event_type", _("Elija el subtipo de evento.")),
            ):
                if not cleaned.get(name):
                    self.add_error(name, message)
        elif cleaned.get("target") == "case":
            for name, message in (
                ("name", _("Indique el nombre del caso.")),
                ("typology", _("Elija la tipología.")),
            ):
                if not cleaned.get(name):
                    self.add_error(name, message)
        return cleaned


# Reporters -------------------------------------------------------------------------------------


class ReporterFilterForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Nivel"), required=False, choices=_blank(ReporterLevel.choices, _("Todos"))
    )
    department = forms.ChoiceField(label=_("Departamento"), required=False)
    active = forms.ChoiceField(
        label=_("Activos"),
        required=False,
        choices=[("", _("Todos")), ("si", _("Activos")), ("no", _("Inactivos"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = _blank(  # type: ignore[attr-defined]
            departments().values_list("code", "name"), _("Todos")
        )


class ReporterForm(forms.Form):
    name = forms.CharField(label=_("Nombre"), max_length=200)
    level = forms.ChoiceField(label=_("Nivel"), choices=_blank(ReporterLevel.choices))
    institution = forms.ModelChoiceField(
        label=_("Institución"), queryset=Institution.objects.none(), empty_label=None
    )
    territories = forms.CharField(
        label=_("Territorio que cubre (códigos ubigeo)"),
        required=False,
        max_length=2000,
        help_text=_(
            "Códigos de departamentos, provincias o distritos separados por comas, "
            "p. ej. 080000, 080701."
        ),
    )
    phone = forms.CharField(
        label=_("Teléfono (SMS)"),
        required=False,
        max_length=30,
        help_text=_("Un número peruano sin prefijo se guarda como +51…"),
    )
    email = forms.EmailField(label=_("Correo electrónico"), required=False)
    account = forms.ModelChoiceField(
        label=_("Cuenta en Willaq (opcional)"),
        required=False,
        queryset=User.objects.none(),
        help_text=_("Un miembro de la institución que envía prealertas con su cuenta."),
    )
    is_active = forms.BooleanField(label=_("Activo"), required=False, initial=True)
    notes = forms.CharField(label=_("Notas"), required=False, max_length=2000, widget=_textarea())

    SERVICE_FIELDS = {"user": "account"}

    def __init__(
        self, *args: Any, institutions: QuerySet[Institution], user: AnyUser, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions  # type: ignore[attr-defined]
        self.fields["account"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(
                is_active=True,
                memberships__institution__in=institutions,
                memberships__is_active=True,
            )
            .distinct()
            .order_by("full_name", "email")
        )

    @classmethod
    def initial_for(cls, reporter: Reporter) -> dict[str, Any]:
        return {
            "name": reporter.name,
            "level": reporter.level,
            "institution": reporter.institution_id,
            "territories": ", ".join(reporter.territories.values_list("code", flat=True)),
            "phone": reporter.phone,
            "email": reporter.email,
            "account": reporter.user_id,
            "is_active": reporter.is_active,
            "notes": reporter.notes,
        }


# --- Pre-alert form ------------------------------------------------------------------------------
# The phone form at /prealertas/nueva/ (views/form.py). It works as a plain HTML form; with
# JavaScript (static/js/prealert.js) the same fields are kept on the phone and sent from the
# outbox, each submission with its client id.

# The first bytes of each photo format the intake accepts (the browser's declared type is not
# trusted: a phone may send "application/octet-stream").
PHOTO_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"WEBP", 8, "image/webp"),
)
PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"


def sniff_photo_type(content: bytes) -> str | None:
    """The photo's type by its first bytes, or None when it is none of JPEG, PNG, WebP."""
    for signature, offset, content_type in PHOTO_SIGNATURES:
        if content[offset : offset + len(signature)] == signature:
            if content_type == "image/webp" and not content.startswith(b"RIFF"):
                continue
            return content_type
    return None


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to MAX_ATTACHMENTS photos (JPEG, PNG, WebP) of MAX_ATTACHMENT_BYTES each, as the
    intake's ``Attachment``s; a name repeated by the phone (``image.jpg``) is numbered."""

    widget = MultiplePhotoInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = PHOTO_ACCEPT

    def clean(self, data: Any, initial: Any = None) -> list[Attachment]:
        items = data if isinstance(data, list | tuple) else [data]
        files: list[UploadedFile[Any]] = [f for f in items if f]
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(
                _("Admite como máximo %(n)s fotos.") % {"n": MAX_ATTACHMENTS}
            )
        photos: list[Attachment] = []
        names: set[str] = set()
        for upload in files:
            name = (upload.name or "foto")[:150]
            if (upload.size or 0) > MAX_ATTACHMENT_BYTES:
                raise forms.ValidationError(_("«%(name)s» pesa más de 5 MB.") % {"name": name})
            content = upload.read(MAX_ATTACHMENT_BYTES + 1)
            content_type = sniff_photo_type(content)
            if content_type is None:
                raise forms.ValidationError(
                    _("«%(name)s»: solo se aceptan fotos JPEG, PNG o WebP.") % {"name": name}
                )
            unique = name
            number = 2
            while unique in names:
                stem, dot, ext = name.rpartition(".")
                unique = f"{stem} ({number}).{ext}" if dot else f"{name} ({number})"
                number += 1
            names.add(unique)
            photos.append(Attachment(name=unique, content_type=content_type, content=content))
        return photos


def _text_area(label: Any, field: str, *, required: bool = False, rows: int = 3) -> forms.Field:
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_LIMITS[field],
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class PreAlertForm(PlaceForm):
    """A pre-alert from the phone form. ``institutions``: where the user may send it
    (``access.submitting_institutions``); with one, it is chosen without asking."""

    # Fields in the order the page shows them (the place fields are added in __init__).
    client_id = forms.CharField(widget=forms.HiddenInput, max_length=200)
    institution = forms.ModelChoiceField(
        label=_("Institución que recibe la prealerta"),
        queryset=Institution.objects.none(),
        empty_label=_("— elija —"),
    )
    latitude = forms.FloatField(
        label=_("Latitud"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    longitude = forms.FloatField(
        label=_("Longitud"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    location = forms.CharField(
        label=_("Localidad, comunidad o referencia"),
        required=False,
        max_length=TEXT_LIMITS["location"],
    )
    occurred_on = forms.DateField(
        label=_("Fecha del hecho"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    description = _text_area(_("¿Qué pasó?"), "description", required=True, rows=5)
    actors = _text_area(_("Actores (quiénes participan)"), "actors")
    demands = _text_area(_("Demandas"), "demands")
    measures = _text_area(_("Medidas de protesta anunciadas"), "measures")
    measures_date = forms.DateField(
        label=_("Fecha de las medidas anunciadas"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    urgency = forms.ChoiceField(
        label=_("Urgencia"), choices=Urgency.choices, initial=Urgency.MEDIUM
    )
    photos = PhotosField(
        label=_("Fotos"),
        help_text=_("Hasta 5 fotos JPEG, PNG o WebP de 5 MB como máximo cada una."),
    )

    # Where a service error about a key is shown.
    SERVICE_FIELDS = {"ubigeo": "place_department", "attachments": "photos"}
    # The fields sent to the intake, as ``clean_prealert_data`` names them.
    DATA_FIELDS = (
        "location",
        "latitude",
        "longitude",
        "occurred_on",
        "description",
        "actors",
        "demands",
        "measures",
        "measures_date",
        "urgency",
    )

    def __init__(self, *args: Any, institutions: QuerySet[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_place_fields("place", required=False)
        for level in ("department", "province", "district"):
            widget = self.fields[f"place_{level}"].widget
            # The page fills the lower levels from the territory list kept on the phone
            # (static/js/prealert.js), not from the server: it must work offline.
            widget.attrs = {
                key: value for key, value in widget.attrs.items() if not key.startswith("hx-")
            }
            widget.attrs["data-place-level"] = level
        institution_field = self.fields["institution"]
        assert isinstance(institution_field, forms.ModelChoiceField)
        institution_field.queryset = institutions
        choices = list(institutions[:2])
        self.only_institution = choices[0] if len(choices) == 1 else None
        if self.only_institution is not None:
            # One institution: chosen without asking (a submission without it goes there).
            institution_field.initial = self.only_institution.pk
            institution_field.required = False
            institution_field.widget = forms.HiddenInput()
        if not self.is_bound:
            self.initial.setdefault("client_id", str(uuid.uuid4()))
        # Place first, then the rest in the class's order.
        order = ["client_id", "institution", "place_department", "place_province"]
        self.order_fields([*order, "place_district"])

    @property
    def has_several_institutions(self) -> bool:
        return self.only_institution is None

    def clean_client_id(self) -> str:
        value = str(self.cleaned_data.get("client_id") or "").strip()
        try:
            return str(uuid.UUID(value))
        except ValueError:
            raise forms.ValidationError(
                _("Identificador de envío no válido: vuelva a cargar el formulario.")
            ) from None

    def clean_institution(self) -> Institution | None:
        return self.cleaned_data.get("institution") or self.only_institution

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["ubigeo"] = self.clean_place("place", cleaned)
        return cleaned

    def service_data(self) -> dict[str, Any]:
        """The pre-alert's data as the intake reads it."""
        data = {name: self.cleaned_data.get(name) for name in self.DATA_FIELDS}
        data["ubigeo"] = self.cleaned_data.get("ubigeo") or ""
        return data


# --- Response -----------------------------------------------------------------------------------

_EMAIL_SPLIT = re.compile(r"[\s,;]+")


def _set_choices(form: forms.Form, name: str, choices: list[tuple[str, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class OrderFilterForm(forms.Form):
    """The filters of the order list (``/respuesta/``); an invalid value is dropped."""

    OVERDUE_YES = "si"
    OVERDUE_NO = "no"

    state = forms.ChoiceField(label=_("Estado"), required=False)
    institution = forms.ChoiceField(label=_("Institución responsable"), required=False)
    department = forms.ChoiceField(label=_("Departamento"), required=False)
    overdue = forms.ChoiceField(
        label=_("Plazo"),
        required=False,
        choices=[
            ("", _("Todas")),
            (OVERDUE_YES, _("Vencidas")),
            (OVERDUE_NO, _("No vencidas")),
        ],
    )

    def __init__(self, *args: Any, institutions: QuerySet[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "state", _blank(list(OrderState.choices), _("Todos")))
        _set_choices(
            self,
            "institution",
            _blank([(i.slug, i.acronym or i.name) for i in institutions], _("Todas")),
        )
        departments = Ubigeo.objects.departments().order_by("name").values_list("code", "name")
        _set_choices(self, "department", _blank(list(departments), _("Todos")))

    def filters(self) -> OrderFilters:
        data = self.cleaned_data if self.is_valid() else {}
        overdue = data.get("overdue")
        return OrderFilters(
            state=data.get("state") or "",
            institution=data.get("institution") or "",
            department=data.get("department") or "",
            overdue=None if not overdue else overdue == self.OVERDUE_YES,
        )


class OrderForm(PlaceForm):
    """A deployment order: who orders, who responds (team and its members by e-mail), where,
    what to do. The alert or case it answers travels in hidden fields."""

    ordering_institution = forms.ModelChoiceField(
        label=_("Institución que ordena"),
        queryset=Institution.objects.none(),
        to_field_name="slug",
    )
    institution = forms.ModelChoiceField(
        label=_("Institución responsable"),
        queryset=Institution.objects.filter(is_active=True).order_by("name"),
        to_field_name="slug",
    )
    team = forms.CharField(label=_("Equipo"), max_length=200)
    team_members = forms.CharField(
        label=_("Integrantes del equipo (correos)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Los correos de sus cuentas en Willaq, separados por comas o líneas; deben ser "
            "miembros de la institución responsable. Reciben la orden y los avisos del plazo."
        ),
    )
    instructions = forms.CharField(
        label=_("Instrucciones"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    alert = forms.UUIDField(required=False, widget=forms.HiddenInput)
    case = forms.UUIDField(required=False, widget=forms.HiddenInput)

    field_order = ["ordering_institution", "institution", "team", "team_members"]

    def __init__(self, *args: Any, ordering: QuerySet[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["ordering_institution"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = ordering
        if ordering.count() == 1:
            self.fields["ordering_institution"].initial = ordering.first()
        self.add_place_fields("place", required=True)
        # The place after the team, the instructions last.
        order = [*self.field_order, "place_department", "place_province", "place_district"]
        self.order_fields([*order, "instructions", "alert", "case"])

    def clean_team_members(self) -> list[User]:
        raw = self.cleaned_data.get("team_members") or ""
        emails = list(dict.fromkeys(e for e in _EMAIL_SPLIT.split(raw.strip()) if e))[:50]
        people: dict[int, User] = {}
        unknown: list[str] = []
        for email in emails:
            person = User.objects.filter(email__iexact=email).first()
            if person is None:
                unknown.append(email)
            else:
                people[person.pk] = person
        if unknown:
            raise forms.ValidationError(
                _("Correos sin cuenta en Willaq: %(emails)s.") % {"emails": ", ".join(unknown)}
            )
        return list(people.values())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        code = self.clean_place("place", cleaned)
        self.ubigeo = Ubigeo.objects.filter(code=code).first() if code else None
        if self.ubigeo is None and not self.has_error("place_department"):
            self.add_error("place_department", _("Elija al menos el departamento."))
        return cleaned


class OrderAdvanceForm(forms.Form):
    """Move an order on: the next state, when it happened (now if empty), the closing report."""

    state = forms.ChoiceField(label=_("Nuevo estado"))
    at = forms.DateTimeField(
        label=_("Fecha y hora (si no fue ahora)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    report = forms.CharField(
        label=_("Informe de la respuesta (obligatorio al cerrar)"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, states: list[OrderState], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "state", [(s.value, s.label) for s in states])

    def moment(self) -> dt.datetime | None:
        value = self.cleaned_data.get("at")
        if value is None:
            return None
        return value if timezone.is_aware(value) else timezone.make_aware(value)


class ResponseStatsForm(forms.Form):
    since = forms.DateField(
        label=_("Desde"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Hasta"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


# --- Alerts -------------------------------------------------------------------------------------


class AlertFilterForm(forms.Form):
    """The filters of the alert list (``selectors_alerts.AlertFilters``)."""

    level = forms.ChoiceField(
        label=_("Nivel"), required=False, choices=_blank(AlertLevel.choices, _("Todos"))
    )
    state = forms.ChoiceField(
        label=_("Estado"), required=False, choices=_blank(AlertState.choices, _("Todos"))
    )
    department = forms.ChoiceField(label=_("Departamento"), required=False)
    visibility = forms.ChoiceField(
        label=_("Difusión"),
        required=False,
        choices=[("", _("Todas")), ("publica", _("Pública")), ("restringida", _("Restringida"))],
    )
    msg_type = forms.ChoiceField(
        label=_("Mensaje"), required=False, choices=_blank(AlertMessageType.choices, _("Todos"))
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departments = Ubigeo.objects.departments().order_by("search_name")
        self.fields["department"].choices = _blank(  # type: ignore[attr-defined]
            departments.values_list("code", "name"), _("Todos")
        )

    def filter_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data) if self.is_valid() else {}
        visibility = data.pop("visibility", "")
        data["is_public"] = {"publica": True, "restringida": False}.get(visibility)
        return data


class AlertForm(forms.Form):
    """Issue or update an alert. The area is a list of ubigeo codes (prefilled from the
    pre-alerts' or the case's places), with an optional point and radius or a polygon."""

    institution = forms.ModelChoiceField(
        label=_("Institución emisora"), queryset=Institution.objects.none(), empty_label=None
    )
    level = forms.ChoiceField(label=_("Nivel"), choices=AlertLevel.choices)
    urgency = forms.ChoiceField(
        label=_("Urgencia"), choices=AlertUrgency.choices, initial=AlertUrgency.EXPECTED
    )
    certainty = forms.ChoiceField(
        label=_("Certeza"), choices=AlertCertainty.choices, initial=AlertCertainty.LIKELY
    )
    headline = forms.CharField(label=_("Titular"), max_length=HEADLINE_MAX)
    description = forms.CharField(label=_("Descripción"), widget=forms.Textarea(attrs={"rows": 5}))
    instruction = forms.CharField(
        label=_("Instrucciones"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    area_units = forms.CharField(
        label=_("Área: lugares"),
        help_text=_(
            "Departamentos, provincias o distritos: búsquelos por su nombre (sin JavaScript, "
            "sus códigos ubigeo separados por comas, p. ej. 080000 o 080701, 080702)."
        ),
        required=False,
        widget=PlaceCodesInput(),
    )
    area_description = forms.CharField(
        label=_("Descripción del área"),
        max_length=AREA_DESCRIPTION_MAX,
        required=False,
        help_text=_("Si la deja vacía, se escriben los nombres de los lugares."),
    )
    latitude = forms.FloatField(label=_("Latitud"), required=False)
    longitude = forms.FloatField(label=_("Longitud"), required=False)
    radius_km = forms.FloatField(label=_("Radio (km)"), required=False)
    polygon = forms.CharField(
        label=_("Polígono"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Pares «latitud,longitud» separados por espacios; el primero se repite al final."
        ),
    )
    recipients = forms.ModelMultipleChoiceField(
        label=_("Instituciones destinatarias"),
        queryset=Institution.objects.filter(is_active=True).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_public = forms.BooleanField(
        label=_("Pública (en el canal Atom y visible sin iniciar sesión)"), required=False
    )
    expires_at = forms.DateTimeField(
        label=_("Vigente hasta"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    # Service field names that the form shows elsewhere.
    SERVICE_FIELDS = {"prealerts": "__all__", "case": "__all__", "reason": "__all__"}

    def __init__(
        self, *args: Any, institutions: QuerySet[Institution] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["institution"]
        if institutions is None:
            del self.fields["institution"]
        else:
            field.queryset = institutions  # type: ignore[attr-defined]
            if institutions.count() == 1:
                field.widget = forms.HiddenInput()
                field.initial = institutions.first()

    def alert_input(self) -> AlertInput:
        data = self.cleaned_data
        codes = (data.get("area_units") or "").replace(";", ",").split(",")
        return AlertInput(
            level=data["level"],
            urgency=data["urgency"],
            certainty=data["certainty"],
            headline=data["headline"],
            description=data["description"],
            instruction=data.get("instruction") or "",
            area_units=[code.strip() for code in codes if code.strip()],
            area_description=data.get("area_description") or "",
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            radius_km=data.get("radius_km"),
            polygon=data.get("polygon") or "",
            recipients=[i.slug for i in data.get("recipients") or []],
            is_public=bool(data.get("is_public")),
            expires_at=data.get("expires_at"),
        )


class AlertCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo de la cancelación"), widget=forms.Textarea(attrs={"rows": 4})
    )
