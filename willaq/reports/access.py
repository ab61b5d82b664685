"""Who may read which report. One rule per object, used by the pages and the API alike."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from willaq.accounts.access import AnyUser
from willaq.accounts.models import Institution


def can_view_monthly_figures(user: AnyUser) -> bool:
    """The monthly figures (JSON, CSV) before publication: any signed-in user. They hold only
    what a published report holds (registered cases, no confidential field, no victim's data),
    for any institution."""
    return bool(user.is_authenticated)


def report_institution(slug: str | None) -> Institution | None:
    """The institution a report is filtered by (None: the whole registry), or a ValidationError
    naming the unknown one."""
    if not slug:
        return None
    slug = slug.strip()
    # A slug is short letters, digits and dashes: anything else is unknown without a query
    # (a NUL character would be refused by PostgreSQL itself).
    valid = 0 < len(slug) <= 60 and all(c.isascii() and (c.isalnum() or c in "-_") for c in slug)
    institution = Institution.objects.filter(slug=slug).first() if valid else None
    if institution is None:
        raise ValidationError(
            {
                "institution": _("Institución desconocida: «%(slug)s».")
                % {"slug": slug[:60].replace("\x00", "")}
            }
        )
    return institution
