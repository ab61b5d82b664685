"""Account pages: log in and out, passwords, the profile with API tokens, institution members."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from willaq.accounts import services
from willaq.accounts.access import (
    active_memberships,
    can_manage_members,
    get_institution_for_member_admin,
)
from willaq.accounts.forms import (
    AddMemberForm,
    ApiTokenForm,
    ChangeRoleForm,
    EmailAuthenticationForm,
    WillaqPasswordResetForm,
)
from willaq.accounts.models import ApiToken, Institution, Membership, Role, User
from willaq.accounts.throttling import client_ip

# --- Logging in and passwords (Django's views, our forms and templates) ------------------------


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5): the logout button in the top bar is a small form."""


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Su contraseña se cambió correctamente."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = WillaqPasswordResetForm
    subject_template_name = "accounts/emails/password_reset_subject.txt"
    email_template_name = "accounts/emails/password_reset.txt"
    html_email_template_name = "accounts/emails/password_reset.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        """Send the link unless too many were asked for recently (see the service)."""
        try:
            services.accept_password_reset_request(
                email=form.cleaned_data["email"], ip_address=client_ip(self.request)
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choose a new password from an e-mailed link; also where new members set their first."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# --- Profile and API tokens ----------------------------------------------------------------


def _profile_context(user: User, token_form: Form | None = None) -> dict[str, Any]:
    memberships = list(active_memberships(user).order_by("institution__name", "role"))
    managed = {m.institution for m in memberships if can_manage_members(user, m.institution)}
    return {
        "memberships": memberships,
        "managed_institutions": sorted(managed, key=lambda i: i.name),
        "tokens": user.api_tokens.order_by("revoked_at", "-created_at"),
        "token_form": token_form or ApiTokenForm(),
    }


@login_required
@require_GET
def profile(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    return render(request, "accounts/profile.html", _profile_context(user))


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    """Create a token and show its raw value in this response only (it is not stored)."""
    user: User = request.user  # type: ignore[assignment]
    form = ApiTokenForm(request.POST)
    context: dict[str, Any]
    if form.is_valid():
        try:
            token, raw = services.create_api_token(user, form.cleaned_data["name"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            context = _profile_context(user)
            context.update({"new_token": token, "new_token_raw": raw})
            response = render(request, "accounts/profile.html", context)
            add_never_cache_headers(response)
            return response
    return render(request, "accounts/profile.html", _profile_context(user, form), status=400)


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_uuid: UUID) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    # Only the user's own tokens are found: another person's token is a 404.
    token = get_object_or_404(ApiToken, uuid=token_uuid, user=user)
    services.revoke_api_token(user, token)
    messages.success(request, _("El token «%(name)s» fue revocado.") % {"name": token.name})
    return redirect("accounts:profile")


# --- Institution members -------------------------------------------------------------------


def _members_context(institution: Institution, form: Form | None = None) -> dict[str, Any]:
    memberships = (
        Membership.objects.filter(institution=institution)
        .select_related("user")
        .order_by("-is_active", "user__full_name", "user__email", "role")
    )
    return {
        "institution": institution,
        "memberships": memberships,
        "add_form": form or AddMemberForm(),
        "roles": Role.choices,
    }


@login_required
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest, slug: str) -> HttpResponse:
    """List the institution's members (GET) or add one (POST)."""
    institution = get_institution_for_member_admin(request.user, slug)
    if request.method == "GET":
        return render(request, "accounts/members.html", _members_context(institution))
    form = AddMemberForm(request.POST)
    if form.is_valid():
        try:
            membership = services.add_member(
                user=request.user,
                institution=institution,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                role=form.cleaned_data["role"],
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(person)s ahora es %(role)s en %(institution)s.")
                % {
                    "person": membership.user,
                    "role": membership.get_role_display().lower(),
                    "institution": institution,
                },
            )
            return redirect("accounts:members", slug=institution.slug)
    return render(request, "accounts/members.html", _members_context(institution, form), status=400)


def _membership_in(institution: Institution, membership_uuid: UUID) -> Membership:
    try:
        return Membership.objects.select_related("user", "institution").get(
            uuid=membership_uuid, institution=institution
        )
    except Membership.DoesNotExist as exc:
        raise Http404("membership") from exc


def _error_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


@login_required
@require_POST
def member_change_role(request: HttpRequest, slug: str, membership_uuid: UUID) -> HttpResponse:
    institution = get_institution_for_member_admin(request.user, slug)
    membership = _membership_in(institution, membership_uuid)
    form = ChangeRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Elija un rol válido."))
        return redirect("accounts:members", slug=institution.slug)
    try:
        services.change_member_role(
            user=request.user, membership=membership, role=form.cleaned_data["role"]
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request,
            _("El rol de %(person)s ahora es %(role)s.")
            % {"person": membership.user, "role": Role(form.cleaned_data["role"]).label.lower()},
        )
    return redirect(_after_member_change(request, institution))


@login_required
@require_POST
def member_deactivate(request: HttpRequest, slug: str, membership_uuid: UUID) -> HttpResponse:
    institution = get_institution_for_member_admin(request.user, slug)
    membership = _membership_in(institution, membership_uuid)
    try:
        services.deactivate_membership(user=request.user, membership=membership)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request,
            _("%(person)s ya no es %(role)s en %(institution)s.")
            % {
                "person": membership.user,
                "role": membership.get_role_display().lower(),
                "institution": institution,
            },
        )
    return redirect(_after_member_change(request, institution))


def _after_member_change(request: HttpRequest, institution: Institution) -> str:
    """Back to the members page, or to the profile if the user just gave up managing them."""
    if can_manage_members(request.user, institution):
        return reverse("accounts:members", kwargs={"slug": institution.slug})
    return reverse("accounts:profile")
