"""Who belongs where with which role. Object rules (cases, events…) build on these."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

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
    cache: dict[int, frozenset[str]] | None = getattr(user, "_willaq_roles", None)
    if cache is None:
        cache = {}
        for m in active_memberships(user):
            cache[m.institution_id] = cache.get(m.institution_id, frozenset()) | {m.role}
        user._willaq_roles = cache  # type: ignore[union-attr]
    return cache.get(institution_id, frozenset())


def institution_ids(user: AnyUser) -> set[int]:
    if not user.is_authenticated:
        return set()
    roles_in(user, 0)
    return set(user._willaq_roles)  # type: ignore[union-attr]


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
