"""An institution's own categories (domain.md §2: "categories are data, not code").

An institution admin adds typologies, subtypes and sectors of the institution's own, each mapped
to the shared category of the same kind it counts as (``maps_to``), so every figure of the
institution rolls up into the shared classification. Shared categories are loaded from
``reference.py`` and never change here.

Services validate, write in one transaction and audit; they raise PermissionDenied when the user
may not manage the institution and ValidationError keyed by form field otherwise. Selectors below
feed the categories page.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils.text import slugify
from django.utils.translation import gettext as _

from willaq.accounts.access import AnyUser, can_manage_members
from willaq.accounts.models import Institution
from willaq.audit.models import AuditEvent
from willaq.audit.services import model_diff, record
from willaq.cases.access import usable_categories
from willaq.cases.choices import CategoryKind
from willaq.cases.models import Category

CODE_MAX_LENGTH = 60
NAME_MAX_LENGTH = 150


# --- reads -------------------------------------------------------------------------------------


def own_categories(institution: Institution) -> QuerySet[Category]:
    """The institution's own categories, active and not, with what they count as."""
    return (
        Category.objects.filter(institution=institution)
        .select_related("maps_to", "parent")
        .order_by("kind", "-is_active", "sort_order", "name")
    )


def parent_choices(institution: Institution) -> QuerySet[Category]:
    """The typologies a subtype of this institution may belong to: shared or its own, active."""
    return (
        usable_categories([institution.pk])
        .filter(kind=CategoryKind.TYPOLOGY, is_active=True)
        .order_by(F("institution_id").asc(nulls_first=True), "sort_order", "name")
    )


def shared_targets(kind: CategoryKind | str) -> QuerySet[Category]:
    """The shared categories of one kind an institution's own category may count as."""
    return Category.objects.filter(kind=kind, institution__isnull=True, is_active=True).order_by(
        "sort_order", "name"
    )


@dataclass
class SharedRow:
    category: Category
    mapped: int  # how many of the institution's own categories count as this one


@dataclass
class KindSection:
    kind: CategoryKind
    shared: list[SharedRow] = field(default_factory=list)
    own: list[Category] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(self.kind.label)


def category_overview(institution: Institution) -> list[KindSection]:
    """Per kind: the shared categories (with how many own ones map to each) and the own ones.

    Two queries whatever the number of categories.
    """
    sections = {kind: KindSection(kind) for kind in CategoryKind}
    shared = (
        Category.objects.filter(institution__isnull=True)
        .select_related("parent")
        .annotate(
            mapped=Count("mapped_from", filter=Q(mapped_from__institution=institution)),
        )
        .order_by("kind", "sort_order", "name")
    )
    for row in shared:
        sections[CategoryKind(row.kind)].shared.append(SharedRow(row, row.mapped))
    for own in own_categories(institution):
        sections[CategoryKind(own.kind)].own.append(own)
    return list(sections.values())


# --- changes -----------------------------------------------------------------------------------


def _require_admin(user: AnyUser, institution: Institution | None) -> Institution:
    if institution is None:
        raise PermissionDenied(_("Las categorías compartidas no se modifican aquí."))
    if not can_manage_members(user, institution):
        raise PermissionDenied(_("No puede administrar las categorías de esta institución."))
    return institution


def _clean_kind(kind: str) -> CategoryKind:
    try:
        return CategoryKind(kind)
    except ValueError as exc:
        raise ValidationError({"kind": _("Elija una clase de categoría válida.")}) from exc


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Indique el nombre de la categoría.")})
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            {"name": _("El nombre admite hasta %(max)d caracteres.") % {"max": NAME_MAX_LENGTH}}
        )
    return name


def _clean_code(code: str, name: str) -> str:
    """The given code, or one made from the name. Codes are stable: the API and exports use them."""
    code = (code or "").strip().lower()
    if not code:
        code = slugify(name)[:CODE_MAX_LENGTH].strip("-")
        if not code:
            raise ValidationError(
                {"code": _("No se pudo formar un código a partir del nombre; escriba uno.")}
            )
        return code
    if len(code) > CODE_MAX_LENGTH:
        raise ValidationError(
            {"code": _("El código admite hasta %(max)d caracteres.") % {"max": CODE_MAX_LENGTH}}
        )
    try:
        validate_slug(code)
    except ValidationError as exc:
        raise ValidationError(
            {"code": _("Use solo letras sin tildes, números, guiones y guiones bajos.")}
        ) from exc
    return code


def _kind_noun(kind: CategoryKind) -> str:
    return {
        CategoryKind.TYPOLOGY: _("tipología"),
        CategoryKind.SUBTYPE: _("subtipo"),
        CategoryKind.SECTOR: _("sector del Estado"),
    }[kind]


def _check_maps_to(
    kind: CategoryKind, maps_to: Category | None, current: Category | None = None
) -> Category:
    if maps_to is None:
        raise ValidationError(
            {
                "maps_to": _(
                    "Indique la categoría compartida a la que equivale, para que sus cifras se "
                    "sumen a ella."
                )
            }
        )
    if maps_to.institution_id is not None:
        raise ValidationError(
            {
                "maps_to": _(
                    "Debe equivaler a una categoría compartida, no a una de una institución."
                )
            }
        )
    if maps_to.kind != kind:
        raise ValidationError(
            {
                "maps_to": _(
                    "Debe equivaler a una categoría compartida de la misma clase (%(kind)s)."
                )
                % {"kind": _kind_noun(kind)}
            }
        )
    # A retired shared category may stay where it already was, but not be chosen anew.
    if not maps_to.is_active and (current is None or current.maps_to_id != maps_to.pk):
        raise ValidationError({"maps_to": _("Esa categoría compartida ya no está en uso.")})
    return maps_to


def _check_parent(
    kind: CategoryKind,
    parent: Category | None,
    maps_to: Category,
    institution: Institution,
    current: Category | None = None,
) -> Category | None:
    """A subtype belongs to a typology (shared or the institution's own) that counts as the
    typology of the shared subtype it maps to; other kinds have no parent."""
    if kind != CategoryKind.SUBTYPE:
        if parent is not None:
            raise ValidationError({"parent": _("Solo los subtipos pertenecen a una tipología.")})
        return None
    if parent is None:
        # By default the subtype belongs where the shared subtype it counts as belongs.
        return maps_to.parent
    if parent.kind != CategoryKind.TYPOLOGY:
        raise ValidationError({"parent": _("Un subtipo pertenece a una tipología.")})
    if parent.institution_id is not None and parent.institution_id != institution.pk:
        raise ValidationError({"parent": _("Esa tipología es de otra institución.")})
    if not parent.is_active and (current is None or current.parent_id != parent.pk):
        raise ValidationError({"parent": _("Esa tipología está desactivada.")})
    if maps_to.parent_id is not None and parent.shared.pk != maps_to.parent_id:
        assert maps_to.parent is not None
        raise ValidationError(
            {
                "parent": _(
                    "«%(subtype)s» es un subtipo de «%(typology)s»: elija esa tipología o una "
                    "propia que equivalga a ella."
                )
                % {"subtype": maps_to.name, "typology": maps_to.parent.name}
            }
        )
    return parent


def _check_code_free(institution: Institution, kind: CategoryKind, code: str) -> None:
    # A shared code is refused too: cases and the API find a category by code among the
    # shared ones and the institution's own, which must never be ambiguous.
    clash = usable_categories([institution.pk]).filter(kind=kind, code=code)
    if clash.exists():
        messages = {
            CategoryKind.TYPOLOGY: _("Ya existe una tipología con el código «%(code)s»."),
            CategoryKind.SUBTYPE: _("Ya existe un subtipo con el código «%(code)s»."),
            CategoryKind.SECTOR: _("Ya existe un sector con el código «%(code)s»."),
        }
        raise ValidationError({"code": messages[kind] % {"code": code}})


def _snapshot(category: Category) -> dict[str, object]:
    return {
        "name": category.name,
        "maps_to": category.maps_to.code if category.maps_to else None,
        "parent": category.parent.code if category.parent else None,
        "is_active": category.is_active,
    }


def create_institution_category(
    user: AnyUser,
    institution: Institution,
    *,
    kind: str,
    name: str,
    code: str = "",
    maps_to: Category | None,
    parent: Category | None = None,
) -> Category:
    """Add a category of the institution's own, counted as the shared ``maps_to``.

    ``code`` is made from the name when empty. A subtype without ``parent`` belongs to the
    typology of the shared subtype it maps to.
    """
    _require_admin(user, institution)
    kind_value = _clean_kind(kind)
    name = _clean_name(name)
    code = _clean_code(code, name)
    target = _check_maps_to(kind_value, maps_to)
    parent = _check_parent(kind_value, parent, target, institution)
    with transaction.atomic():
        _check_code_free(institution, kind_value, code)
        try:
            with transaction.atomic():
                category = Category.objects.create(
                    kind=kind_value,
                    code=code,
                    name=name,
                    institution=institution,
                    maps_to=target,
                    parent=parent,
                    # Listed next to the shared category it counts as.
                    sort_order=target.sort_order,
                )
        except IntegrityError as exc:  # the same code added at the same moment
            raise ValidationError(
                {"code": _("Ya existe una categoría con el código «%(code)s».") % {"code": code}}
            ) from exc
        record(
            AuditEvent.CATEGORY_CREATED,
            category,
            acting_user=user,
            institution=institution,
            diff={"kind": kind_value.value, "code": code, **_snapshot(category)},
        )
    return category


def update_institution_category(
    user: AnyUser,
    category: Category,
    *,
    name: str,
    maps_to: Category | None,
    parent: Category | None,
    is_active: bool,
) -> Category:
    """Change an institution category's name, equivalence, typology or whether it is offered.

    Kind and code never change (cases, exports and the API refer to them). A deactivated category
    is no longer offered for new data; the cases that already use it keep it.
    """
    institution = _require_admin(user, category.institution)
    kind = CategoryKind(category.kind)
    name = _clean_name(name)
    target = _check_maps_to(kind, maps_to, current=category)
    parent = _check_parent(kind, parent, target, institution, current=category)
    with transaction.atomic():
        locked = (
            # of=("self",): PostgreSQL cannot lock the nullable side of the outer joins.
            Category.objects.select_for_update(of=("self",))
            .select_related("maps_to", "parent")
            .get(pk=category.pk)
        )
        if kind == CategoryKind.TYPOLOGY and locked.maps_to_id != target.pk:
            _check_children_follow(locked, target)
        before = _snapshot(locked)
        locked.name = name
        locked.maps_to = target
        locked.parent = parent
        locked.is_active = is_active
        locked.sort_order = target.sort_order
        changes = model_diff(before, _snapshot(locked))
        if changes:
            locked.save()
            record(
                AuditEvent.CATEGORY_CHANGED,
                locked,
                acting_user=user,
                institution=institution,
                diff={"kind": kind.value, "code": locked.code, **changes},
            )
    category.refresh_from_db()
    return category


def set_institution_category_active(
    user: AnyUser, category: Category, *, is_active: bool
) -> Category:
    """Deactivate (or bring back) an institution category, leaving the rest as it is."""
    return update_institution_category(
        user,
        category,
        name=category.name,
        maps_to=category.maps_to,
        parent=category.parent,
        is_active=is_active,
    )


def _check_children_follow(typology: Category, target: Category) -> None:
    """An own typology keeps counting as the typology its own subtypes' equivalents belong to."""
    stuck = (
        Category.objects.filter(parent=typology, kind=CategoryKind.SUBTYPE)
        .exclude(maps_to__parent__isnull=True)
        .exclude(maps_to__parent=target)
        .values_list("name", "maps_to__parent__name")
        .first()
    )
    if stuck is not None:
        raise ValidationError(
            {
                "maps_to": _(
                    "Su subtipo «%(subtype)s» cuenta como un subtipo de «%(typology)s»: cambie "
                    "antes ese subtipo."
                )
                % {"subtype": stuck[0], "typology": stuck[1]}
            }
        )
