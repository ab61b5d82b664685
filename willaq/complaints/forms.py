"""Complaints' forms: the public form, the tracking look-up, the staff queue's filters and the
handling actions. They check input; ``services`` decide and save (a service's ValidationError
goes back on the form through ``willaq.cases.forms.apply_service_errors``)."""

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from willaq.accounts.models import Institution
from willaq.cases.access import usable_categories
from willaq.cases.choices import CategoryKind
from willaq.cases.selectors import departments
from willaq.complaints.choices import ComplaintKind, ComplaintState
from willaq.complaints.selectors import DUE_FILTERS
from willaq.complaints.services.intake import (
    MAX_PHOTO_BYTES,
    MAX_PHOTOS,
    TEXT_LIMITS,
    ComplaintInput,
    Photo,
    sniff_photo_type,
)
from willaq.territory.forms import PlaceForm

PHOTO_ACCEPT = "image/jpeg,image/png"


def _blank(choices: Any, label: Any = "—") -> list[tuple[Any, Any]]:
    return [("", label), *[(value, text) for value, text in choices if value != ""]]


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to MAX_PHOTOS photos, JPEG or PNG by their content, of MAX_PHOTO_BYTES each."""

    widget = MultiplePhotoInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = PHOTO_ACCEPT

    def clean(self, data: Any, initial: Any = None) -> list[Photo]:
        items = data if isinstance(data, list | tuple) else [data]
        files: list[UploadedFile[Any]] = [f for f in items if f]
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(
                _("Puede adjuntar como máximo %(n)s fotos.") % {"n": MAX_PHOTOS}
            )
        photos: list[Photo] = []
        for upload in files:
            name = (upload.name or "foto")[:150]
            if (upload.size or 0) > MAX_PHOTO_BYTES:
                raise forms.ValidationError(_("«%(name)s» pesa más de 5 MB.") % {"name": name})
            content = upload.read(MAX_PHOTO_BYTES + 1)
            content_type = sniff_photo_type(content)
            if content_type is None:
                raise forms.ValidationError(
                    _("«%(name)s» no es una foto JPEG o PNG.") % {"name": name}
                )
            photos.append(Photo(name=name, content_type=content_type, content=content))
        return photos


class ComplaintForm(PlaceForm):
    """The public complaint form. ``website`` is a honeypot: hidden from people, filled by
    bots."""

    institution = forms.ModelChoiceField(
        label=_("Entidad a la que dirige la denuncia"),
        queryset=Institution.objects.none(),
        empty_label=_("— elija —"),
    )
    kind = forms.ChoiceField(
        label=_("¿Qué problema ambiental denuncia?"),
        choices=_blank(ComplaintKind.choices, _("— elija —")),
    )
    description = forms.CharField(
        label=_("¿Qué pasó?"),
        max_length=TEXT_LIMITS["description"],
        widget=_textarea(5),
        help_text=_("Qué vio, oyó u olió, desde cuándo, quién lo causa si lo sabe."),
    )
    location = forms.CharField(
        label=_("Localidad, comunidad o referencia"),
        required=False,
        max_length=TEXT_LIMITS["location"],
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
    occurred_on = forms.DateField(label=_("¿Cuándo ocurrió?"), required=False, widget=_date_input())
    photos = PhotosField(
        label=_("Fotos"),
        help_text=_("Hasta 5 fotos JPEG o PNG de 5 MB como máximo cada una."),
    )
    is_anonymous = forms.BooleanField(
        label=_("Denuncia anónima (no doy mi nombre ni contacto)"), required=False
    )
    complainant_name = forms.CharField(
        label=_("Su nombre"), required=False, max_length=TEXT_LIMITS["complainant_name"]
    )
    complainant_contact = forms.CharField(
        label=_("Teléfono o correo electrónico"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "tel"}),
        help_text=_("Solo lo verá la entidad que atiende su denuncia."),
    )
    # The honeypot: hidden by CSS and from screen readers; a person leaves it empty.
    website = forms.CharField(
        label=_("Deje este campo vacío"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    SERVICE_FIELDS = {"ubigeo": "place_department"}

    def __init__(self, *args: Any, institutions: QuerySet[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_place_fields("place", required=False)
        for level in ("department", "province", "district"):
            widget = self.fields[f"place_{level}"].widget
            # static/js/complaints-form.js fills the lower levels from the public territory
            # list (the territory options endpoint needs a login); without JavaScript the
            # "Mostrar provincias y distritos" button reloads the form with them.
            widget.attrs = {
                key: value for key, value in widget.attrs.items() if not key.startswith("hx-")
            }
            widget.attrs["data-place-level"] = level
        field = self.fields["institution"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = institutions
        default = institutions.filter(slug=settings.WILLAQ_COMPLAINTS_DEFAULT_INSTITUTION).first()
        if default is not None:
            field.initial = default.pk
        self.order_fields(
            [
                "kind",
                "description",
                "place_department",
                "place_province",
                "place_district",
                "location",
                "latitude",
                "longitude",
                "occurred_on",
                "photos",
                "is_anonymous",
                "complainant_name",
                "complainant_contact",
                "institution",
                "website",
            ]
        )

    @property
    def is_spam(self) -> bool:
        return bool(str(self.data.get("website", "")).strip())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["ubigeo"] = self.clean_place("place", cleaned)
        return cleaned

    def service_input(self) -> ComplaintInput:
        data = self.cleaned_data
        return ComplaintInput(
            institution=data["institution"],
            kind=data["kind"],
            description=data["description"],
            ubigeo_code=data.get("ubigeo") or "",
            location=data.get("location") or "",
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            occurred_on=data.get("occurred_on"),
            is_anonymous=bool(data.get("is_anonymous")),
            complainant_name=data.get("complainant_name") or "",
            complainant_contact=data.get("complainant_contact") or "",
            photos=data.get("photos") or [],
        )


class TrackingForm(forms.Form):
    code = forms.CharField(
        label=_("Código de seguimiento"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        help_text=_("El código que recibió al enviar la denuncia, p. ej. ABCD-EFGH-JK."),
    )


# --- staff ----------------------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Estado"), required=False, choices=_blank(ComplaintState.choices, _("Todos"))
    )
    department = forms.ChoiceField(label=_("Departamento"), required=False)
    due = forms.ChoiceField(
        label=_("Plazo"),
        required=False,
        choices=_blank([(c.value, c.label) for c in DUE_FILTERS], _("Cualquiera")),
    )
    overdue = forms.BooleanField(label=_("Solo vencidas"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _blank(departments().values_list("code", "name"), _("Todos"))


TRIAGE_DECISIONS = [("admit", _("Admitir a trámite")), ("dismiss", _("Desestimar"))]


class TriageForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decisión"), choices=TRIAGE_DECISIONS, widget=forms.RadioSelect, initial="admit"
    )
    public_answer = forms.CharField(
        label=_("Respuesta para el denunciante"),
        required=False,
        max_length=5000,
        widget=_textarea(),
        help_text=_("Obligatoria al desestimar: la leerá en la página de seguimiento."),
    )
    note = forms.CharField(
        label=_("Nota interna"), required=False, max_length=5000, widget=_textarea(2)
    )


class RouteForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("Derivar a la entidad competente"),
        queryset=Institution.objects.none(),
        empty_label=_("— elija —"),
    )
    reason = forms.CharField(label=_("Motivo"), max_length=2000, widget=_textarea(2))

    def __init__(self, *args: Any, institutions: QuerySet[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["institution"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = institutions


class InspectionForm(forms.Form):
    inspected_on = forms.DateField(label=_("Fecha de la inspección"), widget=_date_input())
    findings = forms.CharField(
        label=_("Resultado de la inspección (interno)"), max_length=5000, widget=_textarea()
    )


class AnswerForm(forms.Form):
    public_answer = forms.CharField(
        label=_("Respuesta para el denunciante (pública)"), max_length=5000, widget=_textarea(4)
    )
    note = forms.CharField(
        label=_("Nota interna"), required=False, max_length=5000, widget=_textarea(2)
    )


class CloseForm(forms.Form):
    note = forms.CharField(
        label=_("Nota interna"), required=False, max_length=5000, widget=_textarea(2)
    )


class LinkCaseForm(forms.Form):
    case = forms.CharField(
        label=_("Caso (código o referencia)"),
        max_length=40,
        help_text=_("Un caso que usted puede ver, p. ej. 2024-0012."),
    )


class OpenCaseForm(forms.Form):
    name = forms.CharField(label=_("Nombre del caso"), max_length=250)
    typology = forms.ChoiceField(label=_("Tipología"))

    def __init__(self, *args: Any, institution: Institution, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["typology"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _blank(
            usable_categories([institution.pk])
            .filter(kind=CategoryKind.TYPOLOGY, is_active=True, parent__isnull=True)
            .order_by("name")
            .values_list("code", "name")
        )
