"""The categories page of an institution: the shared typologies, subtypes and sectors (read-only)
and the institution's own, which its admins add, rename, remap and deactivate.

Every view finds the institution with ``get_institution_for_member_admin`` (404 for people
outside it, 403 for its members who are not admins) and changes data only through
``categories``. The forms live here: they are used by these views only.
"""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_stubs_ext import StrOrPromise

from willaq.accounts.access import get_institution_for_member_admin
from willaq.accounts.models import Institution
from willaq.cases import categories
from willaq.cases.choices import CategoryKind
from willaq.cases.forms import apply_service_errors
from willaq.cases.models import Category


@dataclass(frozen=True)
class KindText:
    """Per kind: its URL segment and the Spanish phrases that need the right gender and number."""

    slug: str
    heading: StrOrPromise
    own_heading: StrOrPromise
    add_heading: StrOrPromise
    none_yet: StrOrPromise


KIND_TEXT: dict[CategoryKind, KindText] = {
    CategoryKind.TYPOLOGY: KindText(
        "tipologias",
        gettext_lazy("Tipologías"),
        gettext_lazy("Tipologías propias"),
        gettext_lazy("Añadir una tipología"),
        gettext_lazy("La institución aún no tiene tipologías propias."),
    ),
    CategoryKind.SUBTYPE: KindText(
        "subtipos",
        gettext_lazy("Subtipos"),
        gettext_lazy("Subtipos propios"),
        gettext_lazy("Añadir un subtipo"),
        gettext_lazy("La institución aún no tiene subtipos propios."),
    ),
    CategoryKind.SECTOR: KindText(
        "sectores",
        gettext_lazy("Sectores del Estado"),
        gettext_lazy("Sectores propios"),
        gettext_lazy("Añadir un sector"),
        gettext_lazy("La institución aún no tiene sectores propios."),
    ),
}
KIND_BY_SLUG = {text.slug: kind for kind, text in KIND_TEXT.items()}


def _kind(kind_slug: str) -> CategoryKind:
    try:
        return KIND_BY_SLUG[kind_slug]
    except KeyError as exc:
        raise Http404("category kind") from exc


# --- forms -------------------------------------------------------------------------------------


class CategoryChoiceField(forms.ModelChoiceField[Category]):
    """Categories by code (a public identifier); the institution's own are marked as such."""

    def label_from_instance(self, obj: Category) -> str:
        if obj.institution_id is not None:
            return _("%(name)s (propia)") % {"name": obj.name}
        return obj.name


class CategoryFieldsForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nombre"), max_length=categories.NAME_MAX_LENGTH)
    maps_to = CategoryChoiceField(
        label=gettext_lazy("Equivale a"),
        queryset=Category.objects.none(),
        to_field_name="code",
        empty_label=gettext_lazy("— elija —"),
        help_text=gettext_lazy(
            "La categoría compartida en la que se cuentan sus casos en los reportes y el panel."
        ),
    )
    parent = CategoryChoiceField(
        label=gettext_lazy("Tipología"),
        queryset=Category.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("— la del subtipo compartido —"),
        help_text=gettext_lazy(
            "Si la deja vacía, el subtipo pertenece a la tipología del subtipo compartido."
        ),
    )

    def __init__(
        self,
        *args: Any,
        kind: CategoryKind,
        institution: Institution,
        category: Category | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        keep = category  # a retired choice the category already has stays selectable
        maps_to = self.fields["maps_to"]
        assert isinstance(maps_to, CategoryChoiceField)
        maps_to.queryset = _with_current(
            categories.shared_targets(kind), keep.maps_to_id if keep else None
        )
        if kind == CategoryKind.SUBTYPE:
            parent = self.fields["parent"]
            assert isinstance(parent, CategoryChoiceField)
            parent.queryset = _with_current(
                categories.parent_choices(institution), keep.parent_id if keep else None
            )
        else:
            del self.fields["parent"]


def _with_current(queryset: QuerySet[Category], current_id: int | None) -> QuerySet[Category]:
    if current_id is None:
        return queryset
    # The union keeps the first queryset's order.
    return queryset | Category.objects.filter(pk=current_id)


class CategoryAddForm(CategoryFieldsForm):
    code = forms.CharField(
        label=gettext_lazy("Código"),
        max_length=categories.CODE_MAX_LENGTH,
        required=False,
        help_text=gettext_lazy(
            "Identificador estable para la API y los datos abiertos. Si lo deja vacío, se forma "
            "a partir del nombre. No se puede cambiar después."
        ),
    )

    field_order = ["name", "code", "maps_to", "parent"]


class CategoryEditForm(CategoryFieldsForm):
    is_active = forms.BooleanField(
        label=gettext_lazy("Activa (se ofrece al registrar casos)"),
        required=False,
        help_text=gettext_lazy("Los casos que ya la usan la conservan aunque la desactive."),
    )

    @staticmethod
    def initial_for(category: Category) -> dict[str, Any]:
        return {
            "name": category.name,
            "maps_to": category.maps_to.code if category.maps_to else None,
            "parent": category.parent.code if category.parent else None,
            "is_active": category.is_active,
        }


# --- views -------------------------------------------------------------------------------------


@dataclass
class Section:
    kind: CategoryKind
    text: KindText
    block: categories.KindSection
    add_form: CategoryAddForm


def _page(
    request: HttpRequest,
    institution: Institution,
    bound: CategoryAddForm | None = None,
    status: int = 200,
) -> HttpResponse:
    sections = [
        Section(
            kind=block.kind,
            text=KIND_TEXT[block.kind],
            block=block,
            add_form=(
                bound
                if bound is not None and bound.kind == block.kind
                else CategoryAddForm(
                    kind=block.kind, institution=institution, prefix=KIND_TEXT[block.kind].slug
                )
            ),
        )
        for block in categories.category_overview(institution)
    ]
    return render(
        request,
        "cases/categories.html",
        {"institution": institution, "sections": sections},
        status=status,
    )


def _own_category(institution: Institution, kind: CategoryKind, code: str) -> Category:
    category = (
        Category.objects.filter(institution=institution, kind=kind, code=code)
        .select_related("maps_to", "parent", "institution")
        .first()
    )
    if category is None:
        raise Http404("category")
    return category


def _categories_url(institution: Institution, kind: CategoryKind) -> str:
    return (
        reverse("cases:categories", kwargs={"slug": institution.slug}) + f"#{KIND_TEXT[kind].slug}"
    )


@login_required
@require_GET
def categories_page(request: HttpRequest, slug: str) -> HttpResponse:
    institution = get_institution_for_member_admin(request.user, slug)
    return _page(request, institution)


@login_required
@require_POST
def category_create(request: HttpRequest, slug: str, kind_slug: str) -> HttpResponse:
    institution = get_institution_for_member_admin(request.user, slug)
    kind = _kind(kind_slug)
    form = CategoryAddForm(
        request.POST, kind=kind, institution=institution, prefix=KIND_TEXT[kind].slug
    )
    if form.is_valid():
        try:
            category = categories.create_institution_category(
                request.user,
                institution,
                kind=kind,
                name=form.cleaned_data["name"],
                code=form.cleaned_data["code"],
                maps_to=form.cleaned_data["maps_to"],
                parent=form.cleaned_data.get("parent"),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Se añadió «%(name)s», que cuenta como «%(shared)s».")
                % {"name": category.name, "shared": category.shared.name},
            )
            return redirect(_categories_url(institution, kind))
    return _page(request, institution, bound=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def category_edit(request: HttpRequest, slug: str, kind_slug: str, code: str) -> HttpResponse:
    institution = get_institution_for_member_admin(request.user, slug)
    kind = _kind(kind_slug)
    category = _own_category(institution, kind, code)
    if request.method == "GET":
        form = CategoryEditForm(
            kind=kind,
            institution=institution,
            category=category,
            initial=CategoryEditForm.initial_for(category),
        )
        return _edit_page(request, institution, category, form)
    form = CategoryEditForm(request.POST, kind=kind, institution=institution, category=category)
    if form.is_valid():
        try:
            categories.update_institution_category(
                request.user,
                category,
                name=form.cleaned_data["name"],
                maps_to=form.cleaned_data["maps_to"],
                parent=form.cleaned_data.get("parent"),
                is_active=form.cleaned_data["is_active"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Se guardó «%(name)s».") % {"name": category.name})
            return redirect(_categories_url(institution, kind))
    return _edit_page(request, institution, category, form, status=400)


def _edit_page(
    request: HttpRequest,
    institution: Institution,
    category: Category,
    form: CategoryEditForm,
    status: int = 200,
) -> HttpResponse:
    kind = CategoryKind(category.kind)
    return render(
        request,
        "cases/categories_edit.html",
        {
            "institution": institution,
            "category": category,
            "kind_label": kind.label,
            "kind_slug": KIND_TEXT[kind].slug,
            "form": form,
        },
        status=status,
    )


@login_required
@require_POST
def category_set_active(request: HttpRequest, slug: str, kind_slug: str, code: str) -> HttpResponse:
    """Deactivate or reactivate in one click from the list (``active`` = "1" or "0")."""
    institution = get_institution_for_member_admin(request.user, slug)
    kind = _kind(kind_slug)
    category = _own_category(institution, kind, code)
    active = request.POST.get("active")
    if active not in ("0", "1"):
        messages.error(request, _("No se entendió el cambio pedido."))
        return redirect(_categories_url(institution, kind))
    try:
        categories.set_institution_category_active(request.user, category, is_active=active == "1")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        text = (
            _("«%(name)s» vuelve a ofrecerse al registrar casos.")
            if active == "1"
            else _(
                "«%(name)s» ya no se ofrece al registrar casos; los casos que la usan la conservan."
            )
        )
        messages.success(request, text % {"name": category.name})
    return redirect(_categories_url(institution, kind))
