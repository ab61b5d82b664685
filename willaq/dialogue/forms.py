"""Forms of the facilitator's pages (spaces, participants, sessions, actas). They check input and
build the services' typed inputs; the services decide and save, and their ValidationErrors are put
back on the form (``willaq.cases.forms.apply_service_errors``)."""

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from willaq.accounts.access import AnyUser
from willaq.accounts.models import Institution, User
from willaq.cases.forms import CaseCodesInput
from willaq.cases.selectors import departments, filter_institutions, visible_cases_named
from willaq.dialogue.choices import (
    AttendanceStatus,
    ParticipantKind,
    ParticipantRole,
    SpaceKind,
    SpaceState,
)
from willaq.dialogue.models import DialogueSession, DialogueSpace, Participant
from willaq.dialogue.services.sessions import ActaInput, AttendanceInput, SessionInput
from willaq.dialogue.services.spaces import ParticipantInput, SpaceInput
from willaq.territory.forms import PlaceForm

PLACE = "place"


def _blank(choices: Any, label: Any = "—") -> list[tuple[Any, Any]]:
    return [("", label), *[(value, text) for value, text in choices if value != ""]]


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _datetime_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


# --- the list's filters ------------------------------------------------------------------------


class SpaceFilterForm(forms.Form):
    q = forms.CharField(label=_("Buscar"), required=False, max_length=200)
    kind = forms.ChoiceField(
        label=_("Tipo"), required=False, choices=_blank(SpaceKind.choices, _("Todos"))
    )
    state = forms.ChoiceField(
        label=_("Estado"), required=False, choices=_blank(SpaceState.choices, _("Todos"))
    )
    institution = forms.ChoiceField(label=_("Institución convocante"), required=False)
    department = forms.ChoiceField(label=_("Departamento"), required=False)
    case = forms.CharField(label=_("Código de caso"), required=False, max_length=20)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].choices = _blank(  # type: ignore[attr-defined]
            filter_institutions().values_list("slug", "name"), _("Todas")
        )
        self.fields["department"].choices = _blank(  # type: ignore[attr-defined]
            departments().values_list("code", "name"), _("Todos")
        )

    def filter_data(self) -> dict[str, str]:
        """The valid filters (an invalid one is ignored, never an error page)."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: str(cleaned.get(name) or "").strip() for name in self.fields}


# --- convene and edit a space ------------------------------------------------------------------


class SpaceForm(PlaceForm):
    """A space's data. On create the user picks one of the institutions they convene for."""

    # The service's error keys that name another field of this form.
    SERVICE_FIELDS = {"place": "place_department"}

    institution = forms.ModelChoiceField(
        label=_("Institución convocante"), queryset=Institution.objects.none(), empty_label=None
    )
    kind = forms.ChoiceField(label=_("Tipo de espacio"), choices=_blank(SpaceKind.choices))
    name = forms.CharField(label=_("Nombre"), max_length=250)
    description = forms.CharField(
        label=_("Objetivo y descripción"), required=False, widget=_textarea()
    )
    start_date = forms.DateField(label=_("Fecha de instalación"), widget=_date_input())
    planned_end_date = forms.DateField(label=_("Fecha prevista de término"), widget=_date_input())
    parent = forms.ChoiceField(
        label=_("Espacio principal"),
        required=False,
        help_text=_("Si es una mesa técnica o un grupo de trabajo de otro espacio."),
    )
    cases = forms.CharField(
        label=_("Casos vinculados"),
        required=False,
        max_length=500,
        help_text=_(
            "Búsquelos por su código o nombre (sin JavaScript, sus códigos separados por comas, "
            "p. ej. 2026-0042, 2026-0051)."
        ),
        widget=CaseCodesInput(),
    )
    facilitators = forms.ModelMultipleChoiceField(
        label=_("Facilitadores"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    ground_rules = forms.CharField(
        label=_("Reglas de funcionamiento"), required=False, widget=_textarea()
    )
    ground_rules_file = forms.FileField(
        label=_("Documento de reglas"),
        required=False,
        help_text=_("PDF, Word u hoja de cálculo; reemplaza al anterior."),
    )
    internal_notes = forms.CharField(
        label=_("Notas internas"),
        required=False,
        widget=_textarea(),
        help_text=_("Solo las leen la institución convocante y las instituciones participantes."),
    )

    def __init__(
        self,
        *args: Any,
        user: AnyUser,
        institutions: QuerySet[Institution],
        space: DialogueSpace | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.space = space
        if space is not None:
            del self.fields["institution"]
            institutions = Institution.objects.filter(pk=space.institution_id)
        else:
            self.fields["institution"].queryset = institutions  # type: ignore[attr-defined]
        self.add_place_fields(PLACE, required=False)
        parents = DialogueSpace.objects.filter(institution__in=institutions).order_by("name")
        if space is not None:
            parents = parents.exclude(pk=space.pk)
        self.fields["parent"].choices = _blank(  # type: ignore[attr-defined]
            [(str(u), n) for u, n in parents.values_list("uuid", "name")], _("— ninguno —")
        )
        self.fields["facilitators"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(
                memberships__institution__in=institutions, memberships__is_active=True
            )
            .distinct()
            .order_by("full_name", "email")
        )

    @staticmethod
    def initial_of(space: DialogueSpace) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "kind": space.kind,
            "name": space.name,
            "description": space.description,
            "start_date": space.start_date,
            "planned_end_date": space.planned_end_date,
            "parent": str(space.parent.uuid) if space.parent else "",
            "facilitators": list(space.facilitators.all()),
            "ground_rules": space.ground_rules,
            "internal_notes": space.internal_notes,
        }
        initial["cases"] = ", ".join(
            c for c in space.cases.exclude(code=None).values_list("code", flat=True) if c
        )
        if space.place is not None:
            initial |= PlaceForm.place_initial(PLACE, space.place)
        return initial

    def clean_cases(self) -> list[str]:
        """Case codes (or uuids) to the uuids of cases the user may see."""
        names = str(self.cleaned_data.get("cases") or "").split(",")
        cases, unknown = visible_cases_named(self.user, names)
        if unknown:
            raise forms.ValidationError(
                _("Casos desconocidos o que no puede ver: %(codes)s."),
                params={"codes": ", ".join(unknown)},
            )
        return [str(case.uuid) for case in cases]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["place_code"] = self.clean_place(PLACE, cleaned) or ""
        return cleaned

    def space_input(self) -> SpaceInput:
        data = self.cleaned_data
        return SpaceInput(
            kind=data["kind"],
            name=data["name"],
            start_date=data["start_date"],
            planned_end_date=data["planned_end_date"],
            description=data.get("description", ""),
            ground_rules=data.get("ground_rules", ""),
            internal_notes=data.get("internal_notes", ""),
            place=data.get("place_code", ""),
            parent=data.get("parent", ""),
            cases=tuple(data.get("cases", [])),
            facilitators=tuple(u.pk for u in data.get("facilitators", [])),
            ground_rules_file=data.get("ground_rules_file"),
        )


class SpaceStateForm(forms.Form):
    state = forms.ChoiceField(label=_("Nuevo estado"), choices=SpaceState.choices)
    end_date = forms.DateField(
        label=_("Fecha de término"),
        required=False,
        widget=_date_input(),
        help_text=_("Solo al concluir el espacio."),
    )


# --- participants ------------------------------------------------------------------------------


class ParticipantForm(forms.Form):
    """A party at the table: an institution of Willaq, an actor of the registry (its uuid) or
    only a name."""

    kind = forms.ChoiceField(label=_("Clase"), choices=_blank(ParticipantKind.choices))
    role = forms.ChoiceField(
        label=_("Rol"), choices=ParticipantRole.choices, initial=ParticipantRole.PARTICIPANT
    )
    institution = forms.ChoiceField(label=_("Institución"), required=False)
    actor = forms.CharField(
        label=_("Actor del registro (uuid)"),
        required=False,
        max_length=40,
        help_text=_("Una empresa u organización registrada como actor de un caso."),
    )
    name = forms.CharField(
        label=_("Nombre"),
        required=False,
        max_length=250,
        help_text=_(
            "Si no es una institución ni un actor registrado, o para escribirlo como el acta."
        ),
    )
    representative = forms.CharField(label=_("Representante"), required=False, max_length=250)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].choices = _blank(  # type: ignore[attr-defined]
            filter_institutions().values_list("slug", "name"), _("— ninguna —")
        )

    def participant_input(self) -> ParticipantInput:
        data = self.cleaned_data
        return ParticipantInput(
            kind=data["kind"],
            role=data["role"],
            institution=data.get("institution", ""),
            actor=data.get("actor", "").strip(),
            name=data.get("name", ""),
            representative=data.get("representative", ""),
        )


# --- sessions ----------------------------------------------------------------------------------


class SessionForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Fecha y hora"), widget=_datetime_input())
    ends_at = forms.DateTimeField(label=_("Termina"), required=False, widget=_datetime_input())
    place = forms.CharField(label=_("Lugar"), required=False, max_length=250)
    agenda = forms.CharField(label=_("Agenda"), required=False, widget=_textarea(5))

    def session_input(self) -> SessionInput:
        data = self.cleaned_data
        return SessionInput(
            starts_at=data["starts_at"],
            ends_at=data.get("ends_at"),
            place=data.get("place", ""),
            agenda=data.get("agenda", ""),
        )


def status_field(participant: Participant) -> str:
    return f"status_{participant.uuid.hex}"


def represented_field(participant: Participant) -> str:
    return f"represented_by_{participant.uuid.hex}"


class RecordSessionForm(forms.Form):
    """What happened at a session: one attendance row per participant, the minutes (text and
    file) and the next steps."""

    minutes = forms.CharField(label=_("Ayuda memoria"), required=False, widget=_textarea(6))
    minutes_file = forms.FileField(label=_("Archivo de la ayuda memoria"), required=False)
    next_steps = forms.CharField(label=_("Próximos pasos"), required=False, widget=_textarea())

    def __init__(
        self, *args: Any, session: DialogueSession, participants: list[Participant], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.session = session
        self.participants = participants
        for participant in participants:
            self.fields[status_field(participant)] = forms.ChoiceField(
                label=participant.name,
                choices=AttendanceStatus.choices,
                initial=AttendanceStatus.PRESENT,
            )
            self.fields[represented_field(participant)] = forms.CharField(
                label=_("Representado por"), required=False, max_length=250
            )

    def rows(self) -> list[tuple[Participant, Any, Any]]:
        """(participant, status field, represented-by field) for the attendance table."""
        return [(p, self[status_field(p)], self[represented_field(p)]) for p in self.participants]

    def attendance(self) -> list[AttendanceInput]:
        data = self.cleaned_data
        return [
            AttendanceInput(
                participant=str(p.uuid),
                status=data[status_field(p)],
                represented_by=data.get(represented_field(p), ""),
            )
            for p in self.participants
        ]


class CancelSessionForm(forms.Form):
    reason = forms.CharField(label=_("Motivo"), required=False, max_length=1000)


# --- actas -------------------------------------------------------------------------------------


class ActaForm(forms.Form):
    title = forms.CharField(label=_("Título"), max_length=250)
    signed_on = forms.DateField(label=_("Fecha de firma"), widget=_date_input())
    signatories = forms.MultipleChoiceField(
        label=_("Firmantes"), widget=forms.CheckboxSelectMultiple
    )
    document = forms.FileField(label=_("Documento"), required=False)

    def __init__(self, *args: Any, participants: list[Participant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signatories"].choices = [  # type: ignore[attr-defined]
            (str(p.uuid), p.name) for p in participants
        ]

    def acta_input(self) -> ActaInput:
        data = self.cleaned_data
        return ActaInput(
            title=data["title"], signed_on=data["signed_on"], signatories=data["signatories"]
        )


def session_day(session: DialogueSession) -> dt.date:
    return timezone.localtime(session.starts_at).date()
