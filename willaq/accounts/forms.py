"""Forms for logging in, resetting passwords, API tokens and institution members."""

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from willaq.accounts.models import Role, User


class EmailAuthenticationForm(AuthenticationForm):
    """Log in with an e-mail address (the form field keeps Django's name, ``username``,
    which django-axes reads to count failures per account)."""

    username = forms.CharField(
        label=_("Correo electrónico"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Contraseña"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _(
            "El correo electrónico o la contraseña no son correctos. Revise ambos e inténtelo "
            "de nuevo."
        ),
        "inactive": _("Esta cuenta está desactivada."),
    }

    def clean_username(self) -> str:
        # Addresses are stored in lower case (UserManager.create_user).
        return str(self.cleaned_data["username"]).strip().lower()


class WillaqPasswordResetForm(PasswordResetForm):
    email = forms.EmailField(
        label=_("Correo electrónico"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def get_users(self, email: str) -> Iterator[Any]:
        """Active users with this address, including those who never chose a password.

        Django skips accounts without a usable password (meant for external logins, which
        Willaq does not use); here such an account is a newly added member who lost the
        invitation, and this form is how they get a fresh link.
        """
        return iter(User.objects.filter(email__iexact=email.strip(), is_active=True))


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nombre del token"),
        max_length=100,
        help_text=_("Para reconocerlo después, por ejemplo «Hoja de cálculo de la oficina»."),
    )


class AddMemberForm(forms.Form):
    email = forms.EmailField(label=_("Correo electrónico"), max_length=254)
    full_name = forms.CharField(
        label=_("Nombre completo"),
        max_length=200,
        required=False,
        help_text=_("Obligatorio si la persona aún no tiene cuenta en Willaq."),
    )
    role = forms.ChoiceField(label=_("Rol"), choices=Role.choices, initial=Role.ANALYST)


class ChangeRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Nuevo rol"), choices=Role.choices)
