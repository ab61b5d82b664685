"""API authentication (personal tokens, or the browser session) and the user's own endpoints."""

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.security import APIKeyCookie, HttpBearer

from willaq.accounts.models import ApiToken, hash_token
from willaq.core.schemas import READ_ERRORS

router = Router(tags=["accounts"])

LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiTokenAuth(HttpBearer):
    def __init__(self, related: tuple[str, ...] = ("user",)) -> None:
        """``related``: what the one query loads with the token — the user, or more for an
        endpoint that needs it (the pre-alert intake: the user's reporter profile). One
        class, so the API's documentation shows one bearer scheme."""
        super().__init__()
        self.related = related

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        try:
            # get(): the hash is unique, so no ORDER BY for the database nor the ORM to build.
            found = ApiToken.objects.select_related(*self.related).get(
                token_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True
            )
        except ApiToken.DoesNotExist:
            return None
        now = timezone.now()
        # "Último uso" is shown to the minute: written at most once a minute, not a write
        # (and a commit) on every API request.
        if found.last_used_at is None or now - found.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


class SessionAuth(APIKeyCookie):
    """The logged-in browser session (CSRF-checked for unsafe methods by ninja)."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if request.user.is_authenticated:
            return request.user
        return None


class BrowserSessionAuth(SessionAuth):
    """The session, CSRF-checked only when a session cookie is sent.

    Without a session cookie there is no ambient authority to protect, so a request with no
    credentials gets 401 (not ninja's "CSRF check Failed" 403) on unsafe methods as well.
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)


class MembershipOut(Schema):
    institution: str
    institution_name: str
    role: str


class MeOut(Schema):
    email: str
    full_name: str
    memberships: list[MembershipOut]


@router.get(
    "/me",
    response={200: MeOut, **READ_ERRORS},
    summary="The authenticated user and their memberships",
)
def me(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "email": user.email,  # type: ignore[union-attr]
        "full_name": user.full_name,  # type: ignore[union-attr]
        "memberships": [
            {
                "institution": m.institution.slug,
                "institution_name": m.institution.name,
                "role": m.role,
            }
            for m in user.memberships.filter(is_active=True).select_related("institution")  # type: ignore[union-attr]
        ],
    }
