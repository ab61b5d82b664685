"""Who may import and who may extend the synonym tables: the one rule every surface calls
(commands, the future upload page, the API, the admin)."""

from willaq.accounts.access import APPROVER_ROLES, AnyUser, can_manage_members, has_role
from willaq.accounts.models import Institution


def can_import_cases(user: AnyUser, institution: Institution) -> bool:
    """A case import brings in registered cases (approved, with a code, back-dated): only a
    coordinator of the institution approves cases, so only a coordinator imports them."""
    return user.is_authenticated and has_role(user, institution.pk, APPROVER_ROLES)


def can_import_events(user: AnyUser, institution: Institution) -> bool:
    """Events are recorded in bulk for the whole institution: a coordinator's decision too."""
    return can_import_cases(user, institution)


def can_manage_synonyms(user: AnyUser, institution: Institution) -> bool:
    """An institution's own spellings are managed by its admins (as its own categories)."""
    return can_manage_members(user, institution)
