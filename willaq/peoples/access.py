"""The access rule for the peoples registry. Every page, endpoint, export and the admin go
through here.

- **Reading.** Peoples, languages, localities, organisations, authorities and the interpreters'
  registry are public knowledge (the culture ministry publishes them): anyone reads them.
- **Contact data is personal** (``CONTACT_FIELDS``): the phone, e-mail and contact person of
  interpreters, authorities and organisations are read only by members of an institution
  (``hidden_contact_fields``); everyone else gets the same objects with these fields emptied.
- **Writing.** Editors (analysts, coordinators, admins) of any institution register and update
  interpreters, organisations, authorities and localities; the row keeps the institution that
  registered it, and only that institution's editors change it.
"""

import copy
from typing import TypeVar
from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from willaq.accounts.access import (
    EDITOR_ROLES,
    AnyUser,
    has_role,
    institution_ids,
    institutions_with_role,
)
from willaq.accounts.models import Institution
from willaq.peoples.models import Authority, Interpreter, Organisation, People

# Personal data, emptied for anyone who is not a member of an institution.
CONTACT_FIELDS = frozenset({"phone", "email", "contact_name"})


def is_institution_member(user: AnyUser) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or institution_ids(user)))


def hidden_contact_fields(user: AnyUser) -> frozenset[str]:
    """The fields ``user`` must not read on interpreters, authorities and organisations."""
    return frozenset() if is_institution_member(user) else CONTACT_FIELDS


_R = TypeVar("_R", Interpreter, Organisation, Authority)


def without_contact(user: AnyUser, row: _R) -> _R:
    """``row`` itself for members of an institution; for anyone else a copy (never saved) whose
    contact fields are empty. (Strings, not None: these fields are never null.)"""
    hidden = [name for name in hidden_contact_fields(user) if hasattr(row, name)]
    if not hidden:
        return row
    clone = copy.copy(row)
    for name in hidden:
        setattr(clone, name, "")
    return clone


def visible_peoples(user: AnyUser) -> QuerySet[People]:
    return People.objects.all()


def get_people(slug: str) -> People:
    people = People.objects.filter(slug=slug).first()
    if people is None:
        raise Http404("people")
    return people


def visible_interpreters(user: AnyUser) -> QuerySet[Interpreter]:
    """Active interpreters to anyone; inactive ones to institution members too."""
    if is_institution_member(user):
        return Interpreter.objects.all()
    return Interpreter.objects.filter(is_active=True)


def get_interpreter_for_user(user: AnyUser, interpreter_uuid: UUID | str) -> Interpreter:
    interpreter = (
        visible_interpreters(user)
        .filter(uuid=interpreter_uuid)
        .select_related("department", "registered_by")
        .first()
    )
    if interpreter is None:
        raise Http404("interpreter")
    return interpreter


def visible_organisations(user: AnyUser) -> QuerySet[Organisation]:
    return Organisation.objects.all()


def visible_authorities(user: AnyUser) -> QuerySet[Authority]:
    return Authority.objects.all()


def get_organisation_for_user(user: AnyUser, organisation_uuid: UUID | str) -> Organisation:
    organisation = (
        visible_organisations(user)
        .filter(uuid=organisation_uuid)
        .select_related("registered_by", "ubigeo")
        .first()
    )
    if organisation is None:
        raise Http404("organisation")
    return organisation


def get_authority_for_user(user: AnyUser, authority_uuid: UUID | str) -> Authority:
    authority = (
        visible_authorities(user)
        .filter(uuid=authority_uuid)
        .select_related("people", "organisation", "registered_by", "ubigeo")
        .first()
    )
    if authority is None:
        raise Http404("authority")
    return authority


def registering_institutions(user: AnyUser) -> QuerySet[Institution]:
    """The institutions on whose behalf ``user`` registers interpreters and organisations."""
    return institutions_with_role(user, EDITOR_ROLES)


def can_register(user: AnyUser) -> bool:
    return bool(user.is_authenticated and registering_institutions(user).exists())


def can_change(user: AnyUser, row: Interpreter | Organisation | Authority) -> bool:
    """Only editors of the institution that registered the row change it."""
    return bool(user.is_authenticated and has_role(user, row.registered_by_id, EDITOR_ROLES))
