"""Users, institutions, memberships and personal API tokens."""

import hashlib
import secrets
import uuid
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from willaq.accounts.digest import MD5, SHA256
from willaq.core.models import TimeStampedModel


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an email address."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("correo electrónico"), unique=True)
    full_name = models.CharField(_("nombre completo"), max_length=200)
    is_active = models.BooleanField(_("activo"), default=True)
    is_staff = models.BooleanField(_("acceso al administrador"), default=False)
    date_joined = models.DateTimeField(_("fecha de alta"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("usuario")
        verbose_name_plural = _("usuarios")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class InstitutionKind(models.TextChoices):
    OMBUDSMAN = "ombudsman", _("Defensoría del Pueblo")
    DIALOGUE_OFFICE = "dialogue_office", _("Oficina nacional de diálogo")
    MINISTRY = "ministry", _("Ministerio")
    AGENCY = "agency", _("Organismo o agencia")
    REGIONAL_GOVERNMENT = "regional_government", _("Gobierno regional")
    LOCAL_GOVERNMENT = "local_government", _("Gobierno local")
    OTHER = "other", _("Otra")


class Institution(TimeStampedModel):
    slug = models.SlugField(_("identificador"), max_length=60, unique=True)
    name = models.CharField(_("nombre"), max_length=200)
    acronym = models.CharField(_("sigla"), max_length=30, blank=True)
    kind = models.CharField(_("tipo"), max_length=30, choices=InstitutionKind.choices)
    is_active = models.BooleanField(_("activa"), default=True)

    class Meta:
        verbose_name = _("institución")
        verbose_name_plural = _("instituciones")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.acronym or self.name


class Role(models.TextChoices):
    REPORTER = "reporter", _("Reportero de campo")
    ANALYST = "analyst", _("Analista")
    COORDINATOR = "coordinator", _("Coordinador")
    FACILITATOR = "facilitator", _("Facilitador de diálogo")
    ADMIN = "admin", _("Administrador de la institución")


class Membership(TimeStampedModel):
    """A user's role in one institution. A user may hold several memberships."""

    # Public identifier for the member-management pages (never the pk in a URL).
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("activa"), default=True)

    class Meta:
        verbose_name = _("membresía")
        verbose_name_plural = _("membresías")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "institution", "role"], name="membership_user_institution_role"
            )
        ]
        indexes = [models.Index(fields=["institution", "role"], name="membership_inst_role")]

    def __str__(self) -> str:
        return f"{self.user} · {self.institution} · {self.get_role_display()}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(TimeStampedModel):
    """A personal API token. Only its SHA-256 is stored; the raw value is shown once."""

    # Public identifier for revoking from the profile page (the prefix is not unique).
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nombre"), max_length=100)
    prefix = models.CharField(max_length=8, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # HTTP Digest secrets (HA1 = H(email:realm:token), willaq/accounts/digest.py), so that ODK
    # Collect can use the token as its password over plain HTTP. Empty on tokens created before
    # they were kept: those still work with Basic and the API, not with Digest.
    digest_ha1_md5 = models.CharField(max_length=32, blank=True, editable=False)
    digest_ha1_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("último uso"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revocado"), null=True, blank=True)

    class Meta:
        verbose_name = _("token de API")
        verbose_name_plural = _("tokens de API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def new_raw_value(cls) -> str:
        return "wq_" + secrets.token_urlsafe(32)

    @property
    def supports_digest(self) -> bool:
        """Whether the token also works as a password for HTTP Digest (ODK Collect over HTTP)."""
        return bool(self.digest_ha1_md5 and self.digest_ha1_sha256)

    def digest_ha1(self, algorithm: str) -> str:
        """The stored HA1 for a Digest algorithm (``MD5`` or ``SHA-256``), or ``""``."""
        return {MD5: self.digest_ha1_md5, SHA256: self.digest_ha1_sha256}.get(algorithm, "")


class PasswordResetRequest(models.Model):
    """One accepted request for a password-reset e-mail, kept for an hour to throttle the form.

    The address typed is kept only as a hash: the row must not reveal, nor store, whether an
    account exists for it.
    """

    email_hash = models.CharField(max_length=64)
    ip_address = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("solicitud de nueva contraseña")
        verbose_name_plural = _("solicitudes de nueva contraseña")
        indexes = [
            # Counting the recent requests for one e-mail address and from one client address.
            models.Index(fields=["email_hash", "created_at"], name="pwreset_email_recent"),
            models.Index(fields=["ip_address", "created_at"], name="pwreset_address_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.ip_address} · {self.created_at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """A message for one user, shown in the app (the bell in the header) and, when
    ``email`` was asked for, sent by e-mail by a Celery task (``emailed_at`` records it).
    Written by :func:`willaq.accounts.notifications.notify` inside the caller's transaction."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    # What it is about, for filtering and for tests (e.g. "prealert.validated").
    kind = models.CharField(_("tipo"), max_length=60)
    title = models.CharField(_("título"), max_length=200)
    body = models.TextField(_("texto"), blank=True)
    # Where the message points (a path inside Willaq), or empty.
    url = models.CharField(_("enlace"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("creada"), auto_now_add=True)
    read_at = models.DateTimeField(_("leída"), null=True, blank=True)
    email = models.BooleanField(_("también por correo"), default=False)
    emailed_at = models.DateTimeField(_("enviada por correo"), null=True, blank=True)

    class Meta:
        verbose_name = _("notificación")
        verbose_name_plural = _("notificaciones")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at", "-created_at"], name="notification_inbox")
        ]

    def __str__(self) -> str:
        return self.title
