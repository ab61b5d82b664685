"""Forms of the import page: the upload, and the columns and defaults chosen before validating."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from willaq.accounts.access import APPROVER_ROLES, AnyUser, institutions_with_role
from willaq.accounts.models import Institution
from willaq.cases.access import usable_categories
from willaq.cases.choices import (
    REGISTERED_STATES,
    ActorTypeCode,
    CaseScope,
    CaseState,
    CategoryKind,
    CompetentAuthority,
    EventType,
    Phase,
    ProtestForm,
    SubEventType,
)
from willaq.imports.choices import ImportKind, SynonymKind
from willaq.imports.models import ImportJob
from willaq.imports.services.jobs import ACCEPTED_SUFFIXES, ColumnPreview
from willaq.imports.services.steps import importer
from willaq.imports.vocabulary import CASE_FIELDS, CHOICE_KINDS, EVENT_FIELDS, valid_targets


def importing_institutions(user: AnyUser) -> QuerySet[Institution]:
    """The institutions this user may import for (a coordinator's)."""
    return institutions_with_role(user, APPROVER_ROLES).order_by("name")


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Qué contiene"), choices=ImportKind.choices, initial=ImportKind.CASES
    )
    institution = forms.ModelChoiceField(
        label=_("Institución"), queryset=Institution.objects.none(), empty_label=None
    )
    file = forms.FileField(
        label=_("Archivo"),
        help_text=_("CSV (cualquier codificación) o una hoja de cálculo XLSX, XLS u ODS."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_SUFFIXES)}),
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        institution_field = self.fields["institution"]
        assert isinstance(institution_field, forms.ModelChoiceField)
        institution_field.queryset = importing_institutions(user)


def _choices(pairs: Any) -> list[tuple[str, str]]:
    return [("", str(_("— el del archivo —"))), *((str(k), str(v)) for k, v in pairs)]


class OptionsForm(forms.Form):
    """One select per column of the file (the field it is read as), then the values for what
    the file lacks and the name of the system its identifiers come from."""

    source = forms.CharField(
        label=_("Sistema de origen de los identificadores"),
        required=False,
        max_length=40,
        help_text=_(
            "Los identificadores del archivo se guardan con este nombre (por omisión, el de la "
            "institución); una nueva importación del mismo sistema encuentra así sus casos."
        ),
    )

    def __init__(
        self, *args: Any, job: ImportJob, columns: list[ColumnPreview], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        spec = importer(job.kind)
        self.columns = columns
        field_choices = [(name, str(label)) for name, label in spec.fields.items()]
        chosen = dict(job.options.get("mapping") or {})
        for index, column in enumerate(columns):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=column.header,
                choices=field_choices,
                required=False,  # every choice is an answer ("(no importar)" among them)
                initial=chosen.get(column.header) or column.target or "ignore",
                help_text=" · ".join(column.samples),
            )
        defaults = dict(job.options.get("defaults") or {})
        typologies = usable_categories([job.institution.pk]).filter(
            kind=CategoryKind.TYPOLOGY, is_active=True
        )
        default_fields: dict[str, forms.Field] = {
            "state": forms.ChoiceField(
                label=_("Estado"),
                choices=_choices((s, CaseState(s).label) for s in REGISTERED_STATES),
                required=False,
            ),
            "typology": forms.ChoiceField(
                label=_("Tipología"),
                choices=_choices((c.code, c.name) for c in typologies),
                required=False,
            ),
            "phase": forms.ChoiceField(
                label=_("Fase"), choices=_choices(Phase.choices), required=False
            ),
            "scope": forms.ChoiceField(
                label=_("Ámbito"), choices=_choices(CaseScope.choices), required=False
            ),
            "competent_authority": forms.ChoiceField(
                label=_("Autoridad competente"),
                choices=_choices(CompetentAuthority.choices),
                required=False,
            ),
            "start_date": forms.DateField(
                label=_("Fecha de inicio"),
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
                help_text=_("Para las filas sin fecha: se registra como «anterior a» esta fecha."),
            ),
            "event_type": forms.ChoiceField(
                label=_("Tipo de evento"), choices=_choices(EventType.choices), required=False
            ),
            "sub_event_type": forms.ChoiceField(
                label=_("Subtipo de evento"),
                choices=_choices(SubEventType.choices),
                required=False,
            ),
            "protest_form": forms.ChoiceField(
                label=_("Forma de protesta"),
                choices=_choices((k, v) for k, v in ProtestForm.choices if k),
                required=False,
            ),
            "actor1": forms.CharField(label=_("Actor 1"), required=False, max_length=200),
            "inter1": forms.ChoiceField(
                label=_("Tipo de actor 1"), choices=_choices(ActorTypeCode.choices), required=False
            ),
        }
        for name, form_field in default_fields.items():
            if name not in spec.defaultable:
                continue
            form_field.initial = defaults.get(name, "")
            self.fields[f"default_{name}"] = form_field
        self.fields["source"].initial = job.options.get("source", "")

    def column_fields(self) -> list[forms.BoundField]:
        return [self[f"column_{i}"] for i in range(len(self.columns))]

    def default_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("default_")]

    def mapping(self) -> dict[str, str]:
        return {
            column.header: self.cleaned_data[f"column_{i}"] for i, column in enumerate(self.columns)
        }

    def defaults(self) -> dict[str, str]:
        result = {}
        for name in self.fields:
            if name.startswith("default_") and self.cleaned_data.get(name):
                value = self.cleaned_data[name]
                result[name.removeprefix("default_")] = (
                    value.isoformat() if hasattr(value, "isoformat") else str(value)
                )
        return result


# Kinds whose meanings are too many for a list (every ubigeo unit): typed as "ubigeo:080101".
TYPED_TARGET_KINDS = frozenset({SynonymKind.PLACE})


def target_choices(kind: SynonymKind, institution: Institution) -> list[tuple[str, str]]:
    """What a spelling of ``kind`` may mean, with readable labels, for the add form's list."""
    if kind in (SynonymKind.TYPOLOGY, SynonymKind.SUBTYPE):
        return list(
            usable_categories([institution.pk])
            .filter(kind=kind.value, is_active=True)
            .order_by("sort_order", "name")
            .values_list("code", "name")
        )
    labels: dict[str, Any] = {}
    if kind == SynonymKind.CASE_COLUMN:
        labels = dict(CASE_FIELDS)
    elif kind == SynonymKind.EVENT_COLUMN:
        labels = dict(EVENT_FIELDS)
    elif kind in CHOICE_KINDS:
        labels = dict(CHOICE_KINDS[kind].choices)
    valid = valid_targets(kind, institution)
    return [(value, str(label)) for value, label in labels.items() if value in valid and value]


class SynonymForm(forms.Form):
    text = forms.CharField(
        label=_("Texto tal como aparece en los archivos"),
        max_length=200,
        help_text=_("Mayúsculas, tildes y espacios no cuentan."),
    )
    target = forms.CharField(label=_("Significa"), max_length=100)

    def __init__(
        self, *args: Any, kind: SynonymKind, institution: Institution, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind in TYPED_TARGET_KINDS:
            self.fields["target"].help_text = _(
                "Un ubigeo («ubigeo:080101»), una agrupación («grouping:lima-provincias») o un "
                "ámbito («scope:national», «scope:multiregional»)."
            )
        else:
            self.fields["target"] = forms.ChoiceField(
                label=_("Significa"), choices=target_choices(kind, institution)
            )
