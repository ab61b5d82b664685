"""Who may read which report. One rule per object, used by the pages and the API alike."""

from willaq.accounts.access import AnyUser, institution_ids


def can_view_charts(user: AnyUser) -> bool:
    """The charts' series (counts of registered cases and of events of registered cases or of
    no case, no field of any case): whoever reads the shared registry, a member of an
    institution (``willaq.cases.access.visible_cases`` shows them no less)."""
    return user.is_authenticated and (user.is_superuser or bool(institution_ids(user)))
