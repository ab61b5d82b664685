"""Consultation forms: they check input; the services decide and save."""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from willaq.cases.forms import CaseCodesInput
from willaq.consultation.choices import (
    AgreementState,
    MeasureKind,
    MeasureType,
    ProcessState,
    Stage,
)
from willaq.consultation.models import ConsultationStage
from willaq.consultation.selectors import ProcessFilters
from willaq.consultation.services.agreements import AgreementInput
from willaq.consultation.services.processes import ProcessInput, StageInput
from willaq.peoples.models import InterpreterLanguage, People
from willaq.territory.forms import PlaceCodesInput
from willaq.territory.models import Ubigeo


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, messages in error.message_dict.items():
        form.add_error(key if key in form.fields else None, messages)


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _departments() -> list[tuple[str, str]]:
    return [(u.code, u.name) for u in Ubigeo.objects.departments().order_by("name")]


class ProcessFilterForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("Etapa"), required=False, choices=[("", _("Todas")), *Stage.choices]
    )
    department = forms.ChoiceField(label=_("Departamento"), required=False)
    people = forms.ChoiceField(label=_("Pueblo"), required=False)
    state = forms.ChoiceField(
        label=_("Estado"), required=False, choices=[("", _("Todos")), *ProcessState.choices]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("Todos")), *_departments()]  # type: ignore[attr-defined]
        self.fields["people"].choices = [("", _("Todos"))] + [  # type: ignore[attr-defined]
            (p.slug, p.name) for p in People.objects.order_by("name")
        ]

    def filters(self) -> ProcessFilters:
        data: Mapping[str, Any] = self.cleaned_data if self.is_valid() else {}
        return ProcessFilters(
            stage=data.get("stage", ""),
            department=data.get("department", ""),
            people=data.get("people", ""),
            state=data.get("state", ""),
        )


class ProcessForm(forms.Form):
    title = forms.CharField(label=_("Título"), max_length=250)
    measure_kind = forms.ChoiceField(label=_("Tipo de medida"), choices=MeasureKind.choices)
    measure_type = forms.ChoiceField(label=_("Objeto de la medida"), choices=MeasureType.choices)
    measure_description = forms.CharField(
        label=_("Descripción de la medida"), required=False, widget=forms.Textarea
    )
    peoples = forms.MultipleChoiceField(label=_("Pueblos consultados"))
    departments = forms.MultipleChoiceField(
        label=_("Departamentos"),
        required=False,
        help_text=_("Pulse Ctrl o mantenga presionado para elegir varios."),
    )
    localities = forms.CharField(
        label=_("Otros lugares (provincias o distritos)"),
        required=False,
        help_text=_(
            "Búsquelos por su nombre (sin JavaScript, sus códigos ubigeo separados por comas)."
        ),
        widget=PlaceCodesInput(),
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
    internal_notes = forms.CharField(
        label=_("Notas internas"),
        required=False,
        widget=forms.Textarea,
        help_text=_("Solo las lee la entidad promotora."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["peoples"].choices = [(p.slug, p.name) for p in People.objects.order_by("name")]  # type: ignore[attr-defined]
        self.fields["departments"].choices = _departments()  # type: ignore[attr-defined]

    def to_input(self) -> ProcessInput:
        data = self.cleaned_data
        codes = list(data.get("departments") or []) + [
            c.strip() for c in data.get("localities", "").split(",") if c.strip()
        ]
        return ProcessInput(
            title=data["title"],
            measure_kind=data["measure_kind"],
            measure_type=data["measure_type"],
            measure_description=data.get("measure_description", ""),
            peoples=list(data["peoples"]),
            localities=codes,
            cases=[c.strip() for c in data.get("cases", "").split(",") if c.strip()],
            internal_notes=data.get("internal_notes", ""),
        )


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Etapa"), choices=Stage.choices)
    started_on = forms.DateField(label=_("Inicio"), widget=_date_input())
    ended_on = forms.DateField(label=_("Término"), required=False, widget=_date_input())
    summary = forms.CharField(label=_("Resumen"), required=False, widget=forms.Textarea)
    attendees = forms.IntegerField(label=_("Asistentes"), required=False, min_value=0)
    attendance = forms.CharField(
        label=_("Asistencia (organizaciones y representantes)"),
        required=False,
        widget=forms.Textarea,
    )

    @classmethod
    def initial_for(cls, stage: ConsultationStage) -> dict[str, Any]:
        return {
            "stage": stage.stage,
            "started_on": stage.started_on,
            "ended_on": stage.ended_on,
            "summary": stage.summary,
            "attendees": stage.attendees,
            "attendance": stage.attendance,
        }

    def to_input(self) -> StageInput:
        data = self.cleaned_data
        return StageInput(
            stage=data["stage"],
            started_on=data["started_on"],
            ended_on=data.get("ended_on"),
            summary=data.get("summary", ""),
            attendees=data.get("attendees"),
            attendance=data.get("attendance", ""),
        )


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Título del documento"), max_length=250)
    file = forms.FileField(label=_("Archivo (PDF, imagen u ofimática)"))


class AgreementForm(forms.Form):
    description = forms.CharField(label=_("Acuerdo"), widget=forms.Textarea)
    responsible = forms.CharField(label=_("Responsable"), max_length=250)
    due_date = forms.DateField(label=_("Vence"), required=False, widget=_date_input())
    internal_notes = forms.CharField(
        label=_("Notas internas"), required=False, widget=forms.Textarea
    )

    def to_input(self) -> AgreementInput:
        data = self.cleaned_data
        return AgreementInput(
            description=data["description"],
            responsible=data["responsible"],
            due_date=data.get("due_date"),
            internal_notes=data.get("internal_notes", ""),
        )


class FollowForm(forms.Form):
    state = forms.ChoiceField(label=_("Estado"), choices=AgreementState.choices)
    progress_note = forms.CharField(label=_("Avance"), required=False, max_length=2000)


class AssignmentForm(forms.Form):
    """An interpreter and one of their languages (``interpreter_uuid:language_slug``)."""

    skill = forms.ChoiceField(label=_("Intérprete y lengua"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        links = (
            InterpreterLanguage.objects.filter(interpreter__is_active=True)
            .select_related("interpreter", "language")
            .order_by("language__name", "interpreter__full_name")
        )
        self.fields["skill"].choices = [  # type: ignore[attr-defined]
            (
                f"{link.interpreter.uuid}:{link.language.slug}",
                f"{link.language.name} — {link.interpreter.full_name}",
            )
            for link in links
        ]
