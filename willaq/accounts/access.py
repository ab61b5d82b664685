"""Who belongs where with which role. Object rules (cases, events…) build on these."""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from willaq.accounts.models import Institution, Membership, Role, User

AnyUser = User | AnonymousUser

# Roles that may write case records (analysts and above).
EDITOR_ROLES = frozenset({Role.ANALYST, Role.COORDINATOR, Role.ADMIN})
APPROVER_ROLES = frozenset({Role.COORDINATOR})


def active_memberships(user: AnyUser) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(
        user=user, is_active=True, institution__is_active=True
    ).select_related("institution")


def roles_in(user: AnyUser, institution_id: int) -> frozenset[str]:
    """The user's active roles in one institution (cached on the user for the request)."""
    if not user.is_authenticated:
        return frozenset()
    cache: dict[int, frozenset[str]] | None = user.__dict__.get("_willaq_roles")
    if cache is None:
        cache = {}
        for m in active_memberships(user):
            cache[m.institution_id] = cache.get(m.institution_id, frozenset()) | {m.role}
        user.__dict__["_willaq_roles"] = cache
    return cache.get(institution_id, frozenset())


def institution_ids(user: AnyUser) -> set[int]:
    if not user.is_authenticated:
        return set()
    roles_in(user, 0)
    return set(user.__dict__["_willaq_roles"])


def is_member(user: AnyUser, institution_id: int) -> bool:
    return bool(roles_in(user, institution_id))


def has_role(user: AnyUser, institution_id: int, roles: frozenset[str]) -> bool:
    return bool(roles_in(user, institution_id) & roles)


def institutions_with_role(user: AnyUser, roles: frozenset[str]) -> QuerySet[Institution]:
    ids = [i for i in institution_ids(user) if has_role(user, i, roles)]
    return Institution.objects.filter(pk__in=ids).order_by("name")


def can_manage_members(user: AnyUser, institution: Institution) -> bool:
    return user.is_authenticated and (
        user.is_superuser or has_role(user, institution.pk, frozenset({Role.ADMIN}))
    )


def get_institution_for_member_admin(user: AnyUser, slug: str) -> Institution:
    """The institution whose members the user manages: 404 for strangers, 403 for members
    without the admin role (they know the institution exists)."""
    institution = Institution.objects.filter(slug=slug, is_active=True).first()
    if institution is None:
        raise Http404("institution")
    if can_manage_members(user, institution):
        return institution
    if is_member(user, institution.pk):
        raise PermissionDenied
    raise Http404("institution")
