"""Every change to users, memberships and API tokens: validate, write in one transaction, audit.

Services raise PermissionDenied when the acting user may not make the change, and
ValidationError (keyed by form field where there is one) when the change is not valid.
E-mails are sent only after the transaction commits.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from willaq.accounts.access import AnyUser, can_manage_members
from willaq.accounts.digest import MD5, SHA256, token_ha1
from willaq.accounts.models import (
    ApiToken,
    Institution,
    Membership,
    PasswordResetRequest,
    Role,
    User,
    hash_token,
)
from willaq.accounts.tasks import send_invitation
from willaq.audit.models import AuditEvent
from willaq.audit.services import record

# ---------------------------------------------------------------------------------------------
# Personal API tokens


def create_api_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for ``user``. Returns the token and its raw value, which is never stored
    (only its SHA-256 and its HTTP Digest secrets for the account's e-mail, ``digest.py``)."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Dé un nombre al token para reconocerlo después.")})
    if len(name) > ApiToken._meta.get_field("name").max_length:  # type: ignore[operator]
        raise ValidationError({"name": _("El nombre es demasiado largo.")})
    raw = ApiToken.new_raw_value()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=raw[:8],
            token_hash=hash_token(raw),
            # The raw value is known only now: keep the Digest secrets for ODK Collect.
            digest_ha1_md5=token_ha1(user.email, raw, MD5),
            digest_ha1_sha256=token_ha1(user.email, raw, SHA256),
        )
        record(
            AuditEvent.API_TOKEN_CREATED,
            token,
            acting_user=user,
            diff={"name": name, "prefix": token.prefix},
        )
    return token, raw


def revoke_api_token(user: User, token: ApiToken) -> ApiToken:
    """Revoke one of the user's own tokens. Revoking twice is harmless and not audited again."""
    if token.user_id != user.pk:
        raise PermissionDenied(_("Este token no es suyo."))
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at", "updated_at"])
            record(
                AuditEvent.API_TOKEN_REVOKED,
                locked,
                acting_user=user,
                diff={"name": locked.name, "prefix": locked.prefix},
            )
    token.refresh_from_db()
    return token


# ---------------------------------------------------------------------------------------------
# Institution members


def _require_manager(user: AnyUser, institution: Institution) -> None:
    if not can_manage_members(user, institution):
        raise PermissionDenied(_("No puede administrar los miembros de esta institución."))


def _forget_roles(user: AnyUser) -> None:
    """Drop the per-request role cache (see access.roles_in) after changing memberships."""
    user.__dict__.pop("_willaq_roles", None)


def _is_last_admin(membership: Membership) -> bool:
    """True when ``membership`` is the institution's only active admin membership."""
    if membership.role != Role.ADMIN or not membership.is_active:
        return False
    others = (
        Membership.objects.filter(
            institution_id=membership.institution_id,
            role=Role.ADMIN,
            is_active=True,
            user__is_active=True,
        )
        .exclude(pk=membership.pk)
        .exists()
    )
    return not others


def _refuse_last_admin(user: AnyUser, membership: Membership) -> None:
    # An institution without an admin could no longer manage its own people.
    if not _is_last_admin(membership):
        return
    if membership.user_id == getattr(user, "pk", None):
        raise ValidationError(
            _(
                "No puede quitarse su propio rol de administrador: es el último administrador "
                "de la institución. Nombre antes a otra persona como administradora."
            )
        )
    raise ValidationError(
        _(
            "Esta persona es el último administrador de la institución. Nombre antes a otra "
            "persona como administradora."
        )
    )


def _validate_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError as exc:
        raise ValidationError({"role": _("Elija un rol válido.")}) from exc


def add_member(
    *,
    user: AnyUser,
    institution: Institution,
    email: str,
    full_name: str,
    role: str,
    base_url: str,
) -> Membership:
    """Give the person with ``email`` a role in ``institution``.

    A new person gets an account without a usable password and an e-mail with a link to choose
    one (Django's password-reset token, valid for PASSWORD_RESET_TIMEOUT). ``base_url`` is the
    site's absolute root ("https://willaq.example/") the link is built on.
    """
    _require_manager(user, institution)
    role_value = _validate_role(role)
    email = User.objects.normalize_email(email.strip()).lower()
    full_name = " ".join(full_name.split())
    if not email:
        raise ValidationError({"email": _("Indique el correo electrónico.")})
    with transaction.atomic():
        person = User.objects.filter(email__iexact=email).first()
        created = person is None
        if person is None:
            if not full_name:
                raise ValidationError({"full_name": _("Indique el nombre completo.")})
            person = User(email=email, full_name=full_name)
            person.set_unusable_password()
            person.full_clean(exclude=["password"])
            person.save()
            record(
                AuditEvent.USER_CREATED,
                person,
                acting_user=user,
                institution=institution,
                diff={"email": email, "full_name": full_name},
            )
        elif not person.is_active:
            raise ValidationError(
                {
                    "email": _(
                        "La cuenta de este correo está desactivada. Pida al equipo de Willaq "
                        "que la reactive."
                    )
                }
            )
        membership = Membership.objects.filter(
            user=person, institution=institution, role=role_value
        ).first()
        if membership is not None and membership.is_active:
            raise ValidationError(
                {"email": _("Esta persona ya es miembro de la institución con ese rol.")}
            )
        if membership is None:
            membership = Membership.objects.create(
                user=person, institution=institution, role=role_value
            )
            diff: dict[str, Any] = {"user": person.email, "role": role_value.value}
        else:
            membership.is_active = True
            membership.save(update_fields=["is_active", "updated_at"])
            diff = {"user": person.email, "role": role_value.value, "reactivated": True}
        record(
            AuditEvent.MEMBERSHIP_ADDED,
            membership,
            acting_user=user,
            institution=institution,
            diff=diff,
        )
        if created or not person.has_usable_password():
            invited_id, institution_id = person.pk, institution.pk
            transaction.on_commit(
                lambda: send_invitation.delay(invited_id, institution_id, base_url)
            )
    _forget_roles(user)
    return membership


def change_member_role(*, user: AnyUser, membership: Membership, role: str) -> Membership:
    """Change the role of an active membership (the row keeps its identity and history)."""
    institution = membership.institution
    _require_manager(user, institution)
    new_role = _validate_role(role)
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if not membership.is_active:
            raise ValidationError(_("Esta membresía está desactivada."))
        if membership.role == new_role:
            raise ValidationError({"role": _("La persona ya tiene ese rol.")})
        clash = (
            Membership.objects.select_for_update()
            .filter(user_id=membership.user_id, institution=institution, role=new_role)
            .first()
        )
        if clash is not None and clash.is_active:
            raise ValidationError(
                {"role": _("La persona ya tiene ese rol en la institución con otra membresía.")}
            )
        _refuse_last_admin(user, membership)
        if clash is not None:
            # An old, deactivated row holds the (user, institution, role) slot; the change
            # supersedes it. Its history stays in the audit trail.
            clash.delete()
        old_role = membership.role
        membership.role = new_role
        membership.save(update_fields=["role", "updated_at"])
        record(
            AuditEvent.MEMBERSHIP_CHANGED,
            membership,
            acting_user=user,
            institution=institution,
            diff={"role": [old_role, new_role.value], "user": membership.user.email},
        )
    _forget_roles(user)
    return membership


def deactivate_membership(*, user: AnyUser, membership: Membership) -> Membership:
    """Withdraw a person's role in the institution. The account itself stays."""
    institution = membership.institution
    _require_manager(user, institution)
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if not membership.is_active:
            raise ValidationError(_("Esta membresía ya estaba desactivada."))
        _refuse_last_admin(user, membership)
        membership.is_active = False
        membership.save(update_fields=["is_active", "updated_at"])
        record(
            AuditEvent.MEMBERSHIP_REMOVED,
            membership,
            acting_user=user,
            institution=institution,
            diff={"user": membership.user.email, "role": membership.role},
        )
    _forget_roles(user)
    return membership


# ---------------------------------------------------------------------------------------------
# Password-reset requests

PASSWORD_RESET_WINDOW = timedelta(hours=1)


def accept_password_reset_request(*, email: str, ip_address: str) -> PasswordResetRequest:
    """Record a request for a password-reset e-mail, or refuse it when too many came recently.

    At most ``PASSWORD_RESET_IP_LIMIT`` requests per hour from one client address and
    ``PASSWORD_RESET_EMAIL_LIMIT`` for one e-mail address. Whether an account exists for the
    address plays no part, so neither the answer nor the refusal reveals it.
    """
    email_hash = hash_token(email.strip().lower())
    now = timezone.now()
    with transaction.atomic():
        PasswordResetRequest.objects.filter(created_at__lt=now - PASSWORD_RESET_WINDOW).delete()
        recent = PasswordResetRequest.objects.all()
        if (
            recent.filter(ip_address=ip_address).count() >= settings.PASSWORD_RESET_IP_LIMIT
            or recent.filter(email_hash=email_hash).count() >= settings.PASSWORD_RESET_EMAIL_LIMIT
        ):
            raise ValidationError(
                _(
                    "Se pidieron demasiados enlaces para restablecer la contraseña en poco "
                    "tiempo. Espere una hora y vuelva a intentarlo."
                ),
                code="throttled",
            )
        return PasswordResetRequest.objects.create(email_hash=email_hash, ip_address=ip_address)


# ---------------------------------------------------------------------------------------------
# E-mails
