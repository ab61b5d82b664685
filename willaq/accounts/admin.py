"""Django admin for the platform team: users (e-mail login), institutions and their members,
API tokens (read only: people create and revoke their own from the profile page).

Institution admins manage members from /cuentas/instituciones/<slug>/miembros/; this admin is
for bootstrapping an installation. Changes made here to users and memberships are written to
the audit trail like the services do.
"""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Model
from django.forms import BaseModelFormSet, ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from willaq.accounts.models import ApiToken, Institution, Membership, User
from willaq.audit.models import AuditEvent
from willaq.audit.services import record


class EmailUserCreationForm(AdminUserCreationForm[User]):
    class Meta:
        model = User
        fields = ("email", "full_name")
        field_classes: dict[str, Any] = {}

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            self.add_error("email", _("Ya existe un usuario con este correo electrónico."))
        return email


class EmailUserChangeForm(UserChangeForm[User]):
    class Meta:
        model = User
        fields = "__all__"
        field_classes: dict[str, Any] = {}

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).strip().lower()
        clash = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if clash.exists():
            self.add_error("email", _("Ya existe un usuario con este correo electrónico."))
        return email


class UserMembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    fk_name = "user"
    extra = 0
    fields = ("institution", "role", "is_active")
    autocomplete_fields = ("institution",)
    show_change_link = False


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    form = EmailUserChangeForm
    add_form = EmailUserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Datos personales"), {"fields": ("full_name", "uuid")}),
        (
            _("Permisos"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Fechas"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "usable_password", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ("uuid", "last_login", "date_joined")
    list_display = ("email", "full_name", "is_active", "is_staff", "is_superuser", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser", "memberships__institution")
    search_fields = ("email", "full_name")
    ordering = ("email",)
    inlines = (UserMembershipInline,)

    def get_inlines(self, request: HttpRequest, obj: User | None) -> Any:
        # The add page is Django's short two-step form; memberships come after saving.
        return self.inlines if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            record(
                AuditEvent.USER_CREATED,
                obj,
                acting_user=request.user,
                diff={"email": obj.email, "full_name": obj.full_name, "via": "admin"},
            )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        _save_membership_formset(request, formset)


class MembershipInline(admin.TabularInline[Membership, Institution]):
    model = Membership
    extra = 0
    fields = ("user", "role", "is_active")
    autocomplete_fields = ("user",)


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin[Institution]):
    list_display = ("name", "acronym", "slug", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "acronym", "slug")
    prepopulated_fields = {"slug": ("acronym",)}
    inlines = (MembershipInline,)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        _save_membership_formset(request, formset)


def _save_membership_formset(request: HttpRequest, formset: BaseModelFormSet[Any, Any]) -> None:
    """Save an inline of memberships and audit each addition, change and removal."""
    if formset.model is not Membership:
        formset.save()
        return
    changed_forms: dict[Model, ModelForm[Any]] = {
        f.instance: f for f in formset.forms if f.instance.pk and f.has_changed()
    }
    # Deleting clears the pk; remember who and what by the membership's uuid.
    deleted_before = {
        obj.uuid: (obj.user.email, obj.role, obj.institution)
        for obj in (f.instance for f in formset.deleted_forms)
        if obj.pk
    }
    formset.save()
    for obj in formset.new_objects:
        record(
            AuditEvent.MEMBERSHIP_ADDED,
            obj,
            acting_user=request.user,
            institution=obj.institution,
            diff={"user": obj.user.email, "role": obj.role, "via": "admin"},
        )
    for obj, fields in formset.changed_objects:
        changed_form = changed_forms.get(obj)
        before = changed_form.initial if changed_form is not None else {}
        record(
            AuditEvent.MEMBERSHIP_CHANGED,
            obj,
            acting_user=request.user,
            institution=obj.institution,
            diff={
                **{f: [str(before.get(f)), str(getattr(obj, f))] for f in fields},
                "user": obj.user.email,
                "via": "admin",
            },
        )
    for obj in formset.deleted_objects:
        email, role, institution = deleted_before.get(obj.uuid, ("", "", None))
        record(
            AuditEvent.MEMBERSHIP_REMOVED,
            obj,
            acting_user=request.user,
            institution=institution,
            diff={"user": email, "role": role, "deleted": True, "via": "admin"},
        )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Read only: the hash is never shown; people revoke their tokens from their profile."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("name", "prefix", "user__email")
    fields = ("uuid", "user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    list_select_related = ("user",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False
