"""Django admin for the platform team: a read-only view of the peoples registry.

Every change goes through the services (access rule and audit log). Contact data is shown only
to members of an institution, by the same rule as the pages (``access.hidden_contact_fields``)."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from willaq.core.admin import ReadOnlyAdminMixin
from willaq.peoples import access
from willaq.peoples.models import Authority, Interpreter, Language, Organisation, People


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Lists and shows rows; never adds, changes or deletes them."""


class ContactAdmin(ReadOnlyAdmin):
    """Leaves the contact fields out for anyone who may not read them."""

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        return tuple(
            name
            for name in access.hidden_contact_fields(request.user)
            if name in {f.name for f in self.model._meta.get_fields()}
        )

    def get_list_display(self, request: HttpRequest) -> Any:
        hidden = access.hidden_contact_fields(request.user)
        return [name for name in super().get_list_display(request) if name not in hidden]


@admin.register(People)
class PeopleAdmin(ReadOnlyAdmin):
    list_display = ("name", "minsa_code", "area")
    list_filter = ("area",)
    search_fields = ("name", "search_text")

    def get_queryset(self, request: HttpRequest) -> QuerySet[People]:
        return access.visible_peoples(request.user)


@admin.register(Language)
class LanguageAdmin(ReadOnlyAdmin):
    list_display = ("name", "number", "area", "family")
    list_filter = ("area", "family")
    search_fields = ("name",)


@admin.register(Interpreter)
class InterpreterAdmin(ContactAdmin):
    list_display = ("full_name", "role", "department", "certified_on", "is_active", "phone")
    list_filter = ("role", "is_active", "availability")
    search_fields = ("full_name", "registry_number")
    list_select_related = ("department",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Interpreter]:
        return access.visible_interpreters(request.user).select_related("department")


@admin.register(Organisation)
class OrganisationAdmin(ContactAdmin):
    list_display = ("name", "acronym", "level", "phone")
    search_fields = ("name", "acronym")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organisation]:
        return access.visible_organisations(request.user)


@admin.register(Authority)
class AuthorityAdmin(ContactAdmin):
    list_display = ("full_name", "position", "people", "term_start", "term_end", "phone")
    search_fields = ("full_name", "community")
    list_select_related = ("people",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Authority]:
        return access.visible_authorities(request.user).select_related("people")
