"""Forms of early warning's pages. They check input; the services in ``services/`` decide and
save. A service's ValidationError is put back on the form with
``willaq.cases.forms.apply_service_errors``."""

import uuid
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from willaq.accounts.models import Institution
from willaq.cases.forms import PlaceForm
from willaq.earlywarning.choices import Urgency
from willaq.earlywarning.services.intake import (
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    TEXT_LIMITS,
    Attachment,
)

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
