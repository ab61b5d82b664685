"""Django admin for the platform team: categories and a read-only view of the case registry.

The registry (cases, places, events, actors, news, evidence) is read only here: every change goes
through the app's services, which validate, apply the access rule and write the audit log, and
nothing is hard-deleted. What a staff member sees is scoped by the same access functions as the
pages and the API (``access.visible_cases`` and the redaction rule).
"""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin

from willaq.cases import access
from willaq.cases.models import (
    Actor,
    Case,
    CaseExternalId,
    CasePlace,
    Category,
    Event,
    Evidence,
    NewsItem,
)
from willaq.core.admin import ReadOnlyAdminMixin


class ReadOnlyRegistryAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Lists and shows registry rows; never adds, changes, reverts or deletes them."""

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def hidden_fields(self, request: HttpRequest, obj: Any) -> frozenset[str]:
        return frozenset()

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = super().get_fields(request, obj)
        hidden = self.hidden_fields(request, obj) if obj is not None else frozenset()
        return [f for f in fields if f not in hidden]

    def scope(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        visible = access.visible_cases(request.user)
        return queryset.filter(case__in=visible)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.scope(request, super().get_queryset(request))


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ("name", "kind", "code", "institution", "parent", "maps_to", "is_active")
    list_filter = (
        "kind",
        "is_active",
        ("institution", admin.RelatedOnlyFieldListFilter),
        ("maps_to", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("name", "code")
    autocomplete_fields = ("parent", "maps_to")
    list_select_related = ("institution", "parent", "maps_to")
    ordering = ("kind", "institution", "sort_order", "name")


class CasePlaceInline(ReadOnlyAdminMixin, admin.TabularInline[CasePlace, Case]):
    model = CasePlace
    extra = 0
    raw_id_fields = ("ubigeo",)


class CaseExternalIdInline(ReadOnlyAdminMixin, admin.TabularInline[CaseExternalId, Case]):
    """A case's identifiers in other systems (changed through the case page's service)."""

    model = CaseExternalId
    extra = 0
    fields = ("source", "external_id", "created_at")
    readonly_fields = ("source", "external_id", "created_at")


@admin.register(Case)
class CaseAdmin(ReadOnlyRegistryAdmin):
    list_display = (
        "display_code",
        "name",
        "institution",
        "state",
        "phase",
        "typology",
        "scope",
        "start_date",
        "needs_review",
    )
    list_filter = ("state", "phase", "scope", "needs_review", "typology", "institution", "is_demo")
    search_fields = ("code", "name", "=external_ids__external_id")
    list_select_related = ("institution", "typology")
    autocomplete_fields = ("typology", "subtype", "sectors")
    readonly_fields = (
        "uuid",
        "code",
        "state",
        "phase",
        "approved_at",
        "merged_into",
        "created_by",
        "created_at",
        "updated_at",
    )
    date_hierarchy = "start_date"
    inlines = (CasePlaceInline, CaseExternalIdInline)

    def scope(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(pk__in=access.visible_cases(request.user).values("pk"))

    def hidden_fields(self, request: HttpRequest, obj: Any) -> frozenset[str]:
        return access.hidden_case_fields(request.user, obj)


@admin.register(Event)
class EventAdmin(ReadOnlyRegistryAdmin):
    list_display = ("event_date", "sub_event_type", "case", "institution", "fatalities", "injured")
    list_filter = ("event_type", "institution")
    search_fields = ("case__code", "case__name", "actor1", "actor2", "location")
    autocomplete_fields = ("case",)
    raw_id_fields = ("ubigeo",)
    readonly_fields = ("uuid", "fatalities", "injured", "created_by")
    date_hierarchy = "event_date"

    def scope(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # The events of the visible cases and those without a case (access.visible_events).
        return queryset.filter(pk__in=access.visible_events(request.user).values("pk"))

    def hidden_fields(self, request: HttpRequest, obj: Any) -> frozenset[str]:
        return access.hidden_event_fields(request.user, obj.institution_id)


@admin.register(Actor)
class ActorAdmin(ReadOnlyRegistryAdmin):
    list_display = ("name", "kind", "organisation_type", "institution", "merged_into")
    list_filter = ("kind", "organisation_type", "institution")
    search_fields = ("name",)
    readonly_fields = ("uuid",)

    def scope(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(pk__in=access.visible_actors(request.user).values("pk"))


@admin.register(NewsItem)
class NewsItemAdmin(ReadOnlyRegistryAdmin):
    list_display = ("published_on", "outlet", "title", "institution")
    list_filter = ("institution",)
    search_fields = ("title", "outlet")
    autocomplete_fields = ("cases",)
    raw_id_fields = ("region",)
    readonly_fields = ("uuid", "created_by")
    date_hierarchy = "published_on"

    def scope(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(cases__in=access.visible_cases(request.user)).distinct()


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyRegistryAdmin):
    """Files are attached from the case page, which checks their type and size."""

    list_display = ("title", "kind", "case", "institution", "is_confidential", "created_at")
    list_filter = ("kind", "is_confidential", "institution")
    search_fields = ("title", "keywords", "case__code")
    autocomplete_fields = ("case",)
    readonly_fields = (
        "uuid",
        "file",
        "original_name",
        "content_type",
        "size_bytes",
        "uploaded_by",
    )

    def scope(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(pk__in=access.visible_evidence_all(request.user).values("pk"))
