"""The registry's forms: they check input; the services decide and save."""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from willaq.peoples.choices import Area, Availability, InterpreterRole, OrganisationLevel
from willaq.peoples.models import (
    Authority,
    Interpreter,
    Language,
    LanguageFamily,
    Organisation,
    People,
)
from willaq.peoples.selectors import InterpreterFilters, LanguageFilters, PeopleFilters
from willaq.peoples.services import (
    AuthorityInput,
    InterpreterInput,
    LanguageSkill,
    OrganisationInput,
)
from willaq.territory.forms import PlaceForm
from willaq.territory.models import Ubigeo

LANGUAGE_ROWS = 3


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError next to the form fields it names."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, messages in error.message_dict.items():
        if key == "ubigeo" and PLACE_FIELD in form.fields:
            key = PLACE_FIELD  # the place picker's first select
        form.add_error(key if key in form.fields else None, messages)


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _department_choices(blank: str) -> list[tuple[str, str]]:
    return [("", blank)] + [(u.code, u.name) for u in Ubigeo.objects.departments().order_by("name")]


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("Nombre u otra denominación"), required=False, max_length=100)
    area = forms.ChoiceField(
        label=_("Ámbito"), required=False, choices=[("", _("Todos")), *Area.choices]
    )
    family = forms.ChoiceField(label=_("Familia lingüística"), required=False)
    department = forms.ChoiceField(label=_("Departamento"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["family"].choices = [("", _("Todas"))] + [  # type: ignore[attr-defined]
            (f.slug, f.name) for f in LanguageFamily.objects.all()
        ]
        self.fields["department"].choices = _department_choices(str(_("Todos")))  # type: ignore[attr-defined]

    def filters(self) -> PeopleFilters:
        data: Mapping[str, Any] = self.cleaned_data if self.is_valid() else {}
        return PeopleFilters(
            q=data.get("q", ""),
            area=data.get("area", ""),
            family=data.get("family", ""),
            department=data.get("department", ""),
        )


class LanguageFilterForm(forms.Form):
    q = forms.CharField(label=_("Lengua"), required=False, max_length=100)
    area = forms.ChoiceField(
        label=_("Ámbito"), required=False, choices=[("", _("Todos")), *Area.choices]
    )
    family = forms.ChoiceField(label=_("Familia lingüística"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["family"].choices = [("", _("Todas"))] + [  # type: ignore[attr-defined]
            (f.slug, f.name) for f in LanguageFamily.objects.all()
        ]

    def filters(self) -> LanguageFilters:
        data: Mapping[str, Any] = self.cleaned_data if self.is_valid() else {}
        return LanguageFilters(
            q=data.get("q", ""), area=data.get("area", ""), family=data.get("family", "")
        )


def _language_choices(blank: str) -> list[tuple[str, str]]:
    return [("", blank)] + [(lang.slug, lang.name) for lang in Language.objects.order_by("name")]


class InterpreterFilterForm(forms.Form):
    q = forms.CharField(label=_("Nombre"), required=False, max_length=100)
    language = forms.ChoiceField(label=_("Lengua"), required=False)
    department = forms.ChoiceField(label=_("Departamento"), required=False)
    certified = forms.ChoiceField(
        label=_("Certificación"),
        required=False,
        choices=[("", _("Todos")), ("yes", _("Certificados")), ("no", _("Sin certificar"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = _language_choices(str(_("Todas")))  # type: ignore[attr-defined]
        self.fields["department"].choices = _department_choices(str(_("Todos")))  # type: ignore[attr-defined]

    def filters(self) -> InterpreterFilters:
        data: Mapping[str, Any] = self.cleaned_data if self.is_valid() else {}
        certified = {"yes": True, "no": False}.get(data.get("certified", ""))
        return InterpreterFilters(
            q=data.get("q", ""),
            language=data.get("language", ""),
            department=data.get("department", ""),
            certified=certified,
        )


class GapForm(forms.Form):
    departamento = forms.ChoiceField(label=_("Departamento"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["departamento"].choices = _department_choices(str(_("Elija…")))  # type: ignore[attr-defined]


class InterpreterForm(forms.Form):
    full_name = forms.CharField(label=_("Nombre completo"), max_length=200)
    role = forms.ChoiceField(label=_("Función"), choices=InterpreterRole.choices)
    department = forms.ChoiceField(label=_("Departamento"))
    registry_number = forms.CharField(
        label=_("N.º de registro (Ministerio de Cultura)"), required=False, max_length=40
    )
    certified_on = forms.DateField(
        label=_("Fecha de certificación"), required=False, widget=_date_input()
    )
    availability = forms.ChoiceField(label=_("Disponibilidad"), choices=Availability.choices)
    is_active = forms.BooleanField(label=_("Activo"), required=False, initial=True)
    phone = forms.CharField(label=_("Teléfono"), required=False, max_length=40)
    email = forms.EmailField(label=_("Correo electrónico"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = _department_choices(str(_("Elija…")))  # type: ignore[attr-defined]
        for row in range(1, LANGUAGE_ROWS + 1):
            self.fields[f"language_{row}"] = forms.ChoiceField(
                label=_("Lengua %(n)s") % {"n": row},
                required=False,
                choices=_language_choices("—"),
            )
            self.fields[f"variety_{row}"] = forms.CharField(
                label=_("Variedad %(n)s") % {"n": row}, required=False, max_length=120
            )

    @classmethod
    def initial_for(cls, interpreter: Interpreter) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "full_name": interpreter.full_name,
            "role": interpreter.role,
            "department": interpreter.department.code,
            "registry_number": interpreter.registry_number,
            "certified_on": interpreter.certified_on,
            "availability": interpreter.availability,
            "is_active": interpreter.is_active,
            "phone": interpreter.phone,
            "email": interpreter.email,
        }
        links = interpreter.language_links.select_related("language").order_by("pk")
        for row, link in enumerate(links[:LANGUAGE_ROWS], start=1):
            initial[f"language_{row}"] = link.language.slug
            initial[f"variety_{row}"] = link.variety
        return initial

    def to_input(self) -> InterpreterInput:
        data = self.cleaned_data
        skills = [
            LanguageSkill(data[f"language_{row}"], data.get(f"variety_{row}", ""))
            for row in range(1, LANGUAGE_ROWS + 1)
            if data.get(f"language_{row}")
        ]
        return InterpreterInput(
            full_name=data["full_name"],
            department=data["department"],
            languages=skills,
            role=data["role"],
            registry_number=data.get("registry_number", ""),
            certified_on=data.get("certified_on"),
            availability=data["availability"],
            is_active=bool(data.get("is_active")),
            phone=data.get("phone", ""),
            email=data.get("email", ""),
        )


PLACE = "place"
PLACE_FIELD = f"{PLACE}_department"
PLACE_FIELDS = [f"{PLACE}_department", f"{PLACE}_province", f"{PLACE}_district"]


class _PlaceMixin(PlaceForm):
    """The place as department → province → district selects (the deepest chosen is the
    ``ubigeo`` of ``cleaned_data``), put where ``before`` stands in the field order."""

    def add_place(self, *, required: bool, before: str, label: StrOrPromise = "") -> None:
        self.add_place_fields(PLACE, required=required)
        if label:
            self.fields[PLACE_FIELD].label = label
        order = list(self.fields)
        for name in PLACE_FIELDS:
            order.remove(name)
        at = order.index(before)
        self.order_fields(order[:at] + PLACE_FIELDS + order[at:])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["ubigeo"] = self.clean_place(PLACE, cleaned) or ""
        return cleaned

    @staticmethod
    def place_of(ubigeo: Ubigeo | None) -> dict[str, str]:
        return PlaceForm.place_initial(PLACE, ubigeo) if ubigeo is not None else {}


class OrganisationForm(_PlaceMixin):
    name = forms.CharField(label=_("Nombre"), max_length=250)
    acronym = forms.CharField(label=_("Sigla"), required=False, max_length=40)
    level = forms.ChoiceField(label=_("Alcance"), choices=OrganisationLevel.choices)
    peoples = forms.MultipleChoiceField(
        label=_("Pueblos que representa"), widget=forms.SelectMultiple(attrs={"size": 8})
    )
    contact_name = forms.CharField(label=_("Persona de contacto"), required=False, max_length=200)
    phone = forms.CharField(label=_("Teléfono"), required=False, max_length=40)
    email = forms.EmailField(label=_("Correo electrónico"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["peoples"].choices = [  # type: ignore[attr-defined]
            (p.slug, p.name) for p in People.objects.order_by("name")
        ]
        self.add_place(required=False, before="contact_name", label=_("Sede: departamento"))

    @classmethod
    def initial_for(cls, organisation: Organisation) -> dict[str, Any]:
        return {
            "name": organisation.name,
            "acronym": organisation.acronym,
            "level": organisation.level,
            "peoples": [p.slug for p in organisation.peoples.all()],
            **cls.place_of(organisation.ubigeo),
            "contact_name": organisation.contact_name,
            "phone": organisation.phone,
            "email": organisation.email,
        }

    def to_input(self) -> OrganisationInput:
        data = self.cleaned_data
        return OrganisationInput(
            name=data["name"],
            level=data["level"],
            peoples=list(data["peoples"]),
            acronym=data.get("acronym", ""),
            ubigeo=data.get("ubigeo", ""),
            contact_name=data.get("contact_name", ""),
            phone=data.get("phone", ""),
            email=data.get("email", ""),
        )


class AuthorityForm(_PlaceMixin):
    """A recognised authority of ``people`` (the page it is registered from)."""

    full_name = forms.CharField(label=_("Nombre completo"), max_length=200)
    position = forms.CharField(label=_("Cargo"), max_length=120, help_text=_("Apu, varayoc, …"))
    community = forms.CharField(label=_("Comunidad"), required=False, max_length=200)
    organisation = forms.ChoiceField(label=_("Organización"), required=False)
    term_start = forms.DateField(label=_("Inicio del mandato"), widget=_date_input())
    term_end = forms.DateField(label=_("Fin del mandato"), required=False, widget=_date_input())
    phone = forms.CharField(label=_("Teléfono"), required=False, max_length=40)
    email = forms.EmailField(label=_("Correo electrónico"), required=False)

    def __init__(self, *args: Any, people: People, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = people
        self.fields["organisation"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (str(o.uuid), str(o)) for o in people.organisations.order_by("name")
        ]
        self.add_place(required=False, before="term_start")

    @classmethod
    def initial_for(cls, authority: Authority) -> dict[str, Any]:
        return {
            "full_name": authority.full_name,
            "position": authority.position,
            "community": authority.community,
            "organisation": str(authority.organisation.uuid) if authority.organisation else "",
            **cls.place_of(authority.ubigeo),
            "term_start": authority.term_start,
            "term_end": authority.term_end,
            "phone": authority.phone,
            "email": authority.email,
        }

    def to_input(self) -> AuthorityInput:
        data = self.cleaned_data
        return AuthorityInput(
            people=self.people.slug,
            full_name=data["full_name"],
            position=data["position"],
            term_start=data["term_start"],
            term_end=data.get("term_end"),
            organisation=data.get("organisation", ""),
            community=data.get("community", ""),
            ubigeo=data.get("ubigeo", ""),
            phone=data.get("phone", ""),
            email=data.get("email", ""),
        )


class LocalityForm(_PlaceMixin):
    """A place where the people lives: a district (or a province or department) and the name
    of the community there."""

    name = forms.CharField(label=_("Comunidad o localidad"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_place(required=True, before="name")
