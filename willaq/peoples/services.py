"""Registering interpreters and facilitators, organisations, authorities and localities.

Each function checks access itself (``willaq.peoples.access``), validates its input (a
ValidationError keyed by field, in Spanish), writes inside one transaction with its audit record,
and returns the saved object. The 55 peoples and 48 languages themselves are reference data
(``loader.load_peoples``), never changed here.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from willaq.accounts.models import Institution, User
from willaq.audit.models import AuditEvent
from willaq.audit.services import model_diff, record
from willaq.peoples import access
from willaq.peoples.choices import Availability, InterpreterRole, OrganisationLevel
from willaq.peoples.models import (
    Authority,
    Interpreter,
    InterpreterLanguage,
    Language,
    Locality,
    Organisation,
    People,
)
from willaq.territory.models import Level, Ubigeo

NAME_MAX = 200


@dataclass(frozen=True)
class LanguageSkill:
    """One language an interpreter works in: its slug and, optionally, the variety."""

    language: str
    variety: str = ""


@dataclass(frozen=True)
class InterpreterInput:
    full_name: str
    department: str  # a department ubigeo code
    languages: Sequence[LanguageSkill] = field(default_factory=tuple)
    role: str = InterpreterRole.INTERPRETER
    registry_number: str = ""
    certified_on: dt.date | None = None
    availability: str = Availability.AVAILABLE
    is_active: bool = True
    phone: str = ""
    email: str = ""


def _institution_for(user: User, institution: Institution | None) -> Institution:
    allowed = access.registering_institutions(user)
    if institution is None:
        institution = allowed.first()
    if institution is None or not allowed.filter(pk=institution.pk).exists():
        raise PermissionDenied(_("Solo los editores de una institución registran estos datos."))
    return institution


def _email_errors(value: str, errors: dict[str, list[str]]) -> None:
    if value:
        try:
            validate_email(value)
        except ValidationError:
            errors["email"] = [_("Correo electrónico no válido.")]


def _clean_interpreter(
    data: InterpreterInput, interpreter: Interpreter | None
) -> tuple[Ubigeo | None, list[tuple[Language, str]], dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    name = (data.full_name or "").strip()
    if not name:
        errors["full_name"] = [_("Indique el nombre completo.")]
    elif len(name) > NAME_MAX:
        errors["full_name"] = [_("El nombre admite hasta %(n)s caracteres.") % {"n": NAME_MAX}]
    department = Ubigeo.objects.filter(code=data.department, level=Level.DEPARTMENT).first()
    if department is None:
        errors["department"] = [_("Elija un departamento.")]
    if data.role not in InterpreterRole.values:
        errors["role"] = [_("Función desconocida.")]
    if data.availability not in Availability.values:
        errors["availability"] = [_("Disponibilidad desconocida.")]
    skills: list[tuple[Language, str]] = []
    slugs = [s.language for s in data.languages if s.language]
    if not slugs:
        errors["languages"] = [_("Indique al menos una lengua que interpreta.")]
    elif len(set(slugs)) != len(slugs):
        errors["languages"] = [_("Cada lengua se indica una sola vez.")]
    else:
        found = {lang.slug: lang for lang in Language.objects.filter(slug__in=slugs)}
        unknown = [s for s in slugs if s not in found]
        if unknown:
            errors["languages"] = [_("Lengua desconocida: %(l)s.") % {"l": ", ".join(unknown)}]
        skills = [
            (found[s.language], s.variety.strip()[:120])
            for s in data.languages
            if s.language in found
        ]
    number = data.registry_number.strip()
    if data.certified_on is not None and not number:
        errors["registry_number"] = [_("Un intérprete certificado tiene número de registro.")]
    if number:
        clash = Interpreter.objects.filter(registry_number=number)
        if interpreter is not None:
            clash = clash.exclude(pk=interpreter.pk)
        if clash.exists():
            errors["registry_number"] = [_("Ya hay un intérprete con ese número de registro.")]
    if data.certified_on is not None and data.certified_on > timezone.localdate():
        errors["certified_on"] = [_("La fecha de certificación no puede ser futura.")]
    _email_errors(data.email.strip(), errors)
    return department, skills, errors


def _interpreter_values(interpreter: Interpreter) -> dict[str, object]:
    return {
        "full_name": interpreter.full_name,
        "role": interpreter.role,
        "registry_number": interpreter.registry_number,
        "certified_on": interpreter.certified_on,
        "department": interpreter.department_id,
        "availability": interpreter.availability,
        "is_active": interpreter.is_active,
        "languages": sorted(
            f"{link.language_id}:{link.variety}" for link in interpreter.language_links.all()
        ),
    }


def _apply(interpreter: Interpreter, data: InterpreterInput, department: Ubigeo) -> None:
    interpreter.full_name = data.full_name.strip()
    interpreter.role = data.role
    interpreter.registry_number = data.registry_number.strip()
    interpreter.certified_on = data.certified_on
    interpreter.department = department
    interpreter.availability = data.availability
    interpreter.is_active = data.is_active
    interpreter.phone = data.phone.strip()
    interpreter.email = data.email.strip()


def register_interpreter(
    user: User, data: InterpreterInput, institution: Institution | None = None
) -> Interpreter:
    """Register an interpreter or facilitator on behalf of one of the user's institutions."""
    institution = _institution_for(user, institution)
    department, skills, errors = _clean_interpreter(data, None)
    if errors:
        raise ValidationError(errors)
    assert department is not None
    with transaction.atomic():
        interpreter = Interpreter(registered_by=institution, created_by=user)
        _apply(interpreter, data, department)
        interpreter.save()
        InterpreterLanguage.objects.bulk_create(
            InterpreterLanguage(interpreter=interpreter, language=lang, variety=variety)
            for lang, variety in skills
        )
        record(
            AuditEvent.INTERPRETER_REGISTERED,
            interpreter,
            acting_user=user,
            institution=institution,
            diff={"after": {k: str(v) for k, v in _interpreter_values(interpreter).items()}},
        )
    return interpreter


def update_interpreter(user: User, interpreter: Interpreter, data: InterpreterInput) -> Interpreter:
    if not access.can_change(user, interpreter):
        raise PermissionDenied(_("Solo la institución que lo registró puede modificarlo."))
    department, skills, errors = _clean_interpreter(data, interpreter)
    if errors:
        raise ValidationError(errors)
    assert department is not None
    with transaction.atomic():
        before = _interpreter_values(interpreter)
        _apply(interpreter, data, department)
        interpreter.save()
        interpreter.language_links.all().delete()
        InterpreterLanguage.objects.bulk_create(
            InterpreterLanguage(interpreter=interpreter, language=lang, variety=variety)
            for lang, variety in skills
        )
        record(
            AuditEvent.INTERPRETER_CHANGED,
            interpreter,
            acting_user=user,
            institution=interpreter.registered_by,
            diff=model_diff(before, _interpreter_values(interpreter)),
        )
    return interpreter


@dataclass(frozen=True)
class OrganisationInput:
    name: str
    level: str
    peoples: Sequence[str]  # People slugs
    acronym: str = ""
    ubigeo: str = ""
    contact_name: str = ""
    phone: str = ""
    email: str = ""


def _clean_organisation(
    data: OrganisationInput,
) -> tuple[list[People], Ubigeo | None, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    if not data.name.strip():
        errors["name"] = [_("Indique el nombre de la organización.")]
    if data.level not in OrganisationLevel.values:
        errors["level"] = [_("Alcance desconocido.")]
    peoples = list(People.objects.filter(slug__in=list(data.peoples)))
    if not peoples or len(peoples) != len(set(data.peoples)):
        errors["peoples"] = [_("Indique los pueblos que representa.")]
    ubigeo = Ubigeo.objects.filter(code=data.ubigeo).first() if data.ubigeo else None
    if data.ubigeo and ubigeo is None:
        errors["ubigeo"] = [_("Ubigeo desconocido: %(code)s.") % {"code": data.ubigeo}]
    _email_errors(data.email.strip(), errors)
    return peoples, ubigeo, errors


def _apply_organisation(
    organisation: Organisation, data: OrganisationInput, ubigeo: Ubigeo | None
) -> None:
    organisation.name = data.name.strip()
    organisation.acronym = data.acronym.strip()
    organisation.level = data.level
    organisation.ubigeo = ubigeo
    organisation.contact_name = data.contact_name.strip()
    organisation.phone = data.phone.strip()
    organisation.email = data.email.strip()


def _organisation_values(organisation: Organisation) -> dict[str, object]:
    """What the audit diff shows (never the contact data: personal data stays out of the log)."""
    return {
        "name": organisation.name,
        "acronym": organisation.acronym,
        "level": organisation.level,
        "ubigeo": organisation.ubigeo.code if organisation.ubigeo else "",
        "peoples": sorted(p.slug for p in organisation.peoples.all()),
    }


def register_organisation(
    user: User, data: OrganisationInput, institution: Institution | None = None
) -> Organisation:
    institution = _institution_for(user, institution)
    peoples, ubigeo, errors = _clean_organisation(data)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        organisation = Organisation(registered_by=institution)
        _apply_organisation(organisation, data, ubigeo)
        organisation.save()
        organisation.peoples.set(peoples)
        record(
            AuditEvent.ORGANISATION_REGISTERED,
            organisation,
            acting_user=user,
            institution=institution,
            diff={"name": organisation.name, "peoples": [p.slug for p in peoples]},
        )
    return organisation


def update_organisation(
    user: User, organisation: Organisation, data: OrganisationInput
) -> Organisation:
    """Change an organisation; only editors of the institution that registered it may."""
    if not access.can_change(user, organisation):
        raise PermissionDenied(_("Solo la institución que la registró puede modificarla."))
    peoples, ubigeo, errors = _clean_organisation(data)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = _organisation_values(organisation)
        _apply_organisation(organisation, data, ubigeo)
        organisation.save()
        organisation.peoples.set(peoples)
        record(
            AuditEvent.ORGANISATION_CHANGED,
            organisation,
            acting_user=user,
            institution=organisation.registered_by,
            diff=model_diff(before, _organisation_values(organisation)),
        )
    return organisation


@dataclass(frozen=True)
class AuthorityInput:
    people: str  # People slug
    full_name: str
    position: str
    term_start: dt.date
    term_end: dt.date | None = None
    organisation: str = ""  # Organisation uuid
    community: str = ""
    ubigeo: str = ""
    phone: str = ""
    email: str = ""


def _clean_authority(
    data: AuthorityInput,
) -> tuple[People | None, Organisation | None, Ubigeo | None, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    people = People.objects.filter(slug=data.people).first()
    if people is None:
        errors["people"] = [_("Pueblo desconocido.")]
    if not data.full_name.strip():
        errors["full_name"] = [_("Indique el nombre completo.")]
    if not data.position.strip():
        errors["position"] = [_("Indique el cargo.")]
    if data.term_end is not None and data.term_end < data.term_start:
        errors["term_end"] = [_("El mandato no puede terminar antes de empezar.")]
    organisation = None
    if data.organisation:
        organisation = Organisation.objects.filter(uuid=data.organisation).first()
        if organisation is None:
            errors["organisation"] = [_("Organización desconocida.")]
    ubigeo = Ubigeo.objects.filter(code=data.ubigeo).first() if data.ubigeo else None
    if data.ubigeo and ubigeo is None:
        errors["ubigeo"] = [_("Ubigeo desconocido: %(code)s.") % {"code": data.ubigeo}]
    _email_errors(data.email.strip(), errors)
    return people, organisation, ubigeo, errors


def _apply_authority(
    authority: Authority,
    data: AuthorityInput,
    people: People,
    organisation: Organisation | None,
    ubigeo: Ubigeo | None,
) -> None:
    authority.people = people
    authority.organisation = organisation
    authority.full_name = data.full_name.strip()
    authority.position = data.position.strip()
    authority.community = data.community.strip()
    authority.ubigeo = ubigeo
    authority.term_start = data.term_start
    authority.term_end = data.term_end
    authority.phone = data.phone.strip()
    authority.email = data.email.strip()


def _authority_values(authority: Authority) -> dict[str, object]:
    """What the audit diff shows (never the contact data)."""
    return {
        "people": authority.people.slug,
        "full_name": authority.full_name,
        "position": authority.position,
        "community": authority.community,
        "organisation": str(authority.organisation.uuid) if authority.organisation else "",
        "ubigeo": authority.ubigeo.code if authority.ubigeo else "",
        "term_start": str(authority.term_start),
        "term_end": str(authority.term_end) if authority.term_end else "",
    }


def register_authority(
    user: User, data: AuthorityInput, institution: Institution | None = None
) -> Authority:
    institution = _institution_for(user, institution)
    people, organisation, ubigeo, errors = _clean_authority(data)
    if errors:
        raise ValidationError(errors)
    assert people is not None
    with transaction.atomic():
        authority = Authority(registered_by=institution)
        _apply_authority(authority, data, people, organisation, ubigeo)
        authority.save()
        record(
            AuditEvent.AUTHORITY_REGISTERED,
            authority,
            acting_user=user,
            institution=institution,
            diff={"people": people.slug, "position": authority.position},
        )
    return authority


def update_authority(user: User, authority: Authority, data: AuthorityInput) -> Authority:
    """Change an authority (a new term, a new position); only editors of the institution that
    registered it may."""
    if not access.can_change(user, authority):
        raise PermissionDenied(_("Solo la institución que la registró puede modificarla."))
    people, organisation, ubigeo, errors = _clean_authority(data)
    if errors:
        raise ValidationError(errors)
    assert people is not None
    with transaction.atomic():
        before = _authority_values(authority)
        _apply_authority(authority, data, people, organisation, ubigeo)
        authority.save()
        record(
            AuditEvent.AUTHORITY_CHANGED,
            authority,
            acting_user=user,
            institution=authority.registered_by,
            diff=model_diff(before, _authority_values(authority)),
        )
    return authority


def add_locality(user: User, people: People, ubigeo_code: str, name: str = "") -> Locality:
    if not access.can_register(user):
        raise PermissionDenied(_("Solo los editores de una institución registran estos datos."))
    ubigeo = Ubigeo.objects.filter(code=ubigeo_code).first()
    if ubigeo is None:
        raise ValidationError(
            {"ubigeo": [_("Ubigeo desconocido: %(code)s.") % {"code": ubigeo_code}]}
        )
    if Locality.objects.filter(people=people, ubigeo=ubigeo, name=name.strip()).exists():
        raise ValidationError({"ubigeo": [_("Esa localidad ya está registrada.")]})
    with transaction.atomic():
        locality = Locality.objects.create(people=people, ubigeo=ubigeo, name=name.strip())
        record(
            AuditEvent.LOCALITY_ADDED,
            people,
            acting_user=user,
            diff={"ubigeo": ubigeo.code, "name": locality.name},
        )
    return locality
