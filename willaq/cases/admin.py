"""Django admin for the platform team: categories and the case registry.

A case's code, state and phase are read only here: they change through the services
(approval assigns the code; transitions are counted by the monthly report).
"""

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from willaq.cases.models import Actor, Case, CasePlace, Category, Event, Evidence, NewsItem


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


class CasePlaceInline(admin.TabularInline[CasePlace, Case]):
    model = CasePlace
    extra = 0
    raw_id_fields = ("ubigeo",)


@admin.register(Case)
class CaseAdmin(SimpleHistoryAdmin):
    list_display = (
        "display_code",
        "name",
        "institution",
        "state",
        "phase",
        "typology",
        "start_date",
    )
    list_filter = ("state", "phase", "typology", "institution", "is_demo")
    search_fields = ("code", "name")
    list_select_related = ("institution", "typology")
    autocomplete_fields = ("typology", "subtype", "sectors")
    readonly_fields = (
        "uuid",
        "code",
        "state",
        "phase",
        "approved_at",
        "created_by",
        "created_at",
        "updated_at",
    )
    date_hierarchy = "start_date"
    inlines = (CasePlaceInline,)


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):
    list_display = ("event_date", "sub_event_type", "case", "institution", "fatalities", "injured")
    list_filter = ("event_type", "institution")
    search_fields = ("case__code", "case__name", "actor1", "actor2", "location")
    autocomplete_fields = ("case",)
    raw_id_fields = ("ubigeo",)
    readonly_fields = ("uuid", "fatalities", "injured", "created_by")
    date_hierarchy = "event_date"


@admin.register(Actor)
class ActorAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "organisation_type", "institution")
    list_filter = ("kind", "organisation_type", "institution")
    search_fields = ("name",)
    readonly_fields = ("uuid",)


@admin.register(NewsItem)
class NewsItemAdmin(SimpleHistoryAdmin):
    list_display = ("published_on", "outlet", "title", "institution")
    list_filter = ("institution",)
    search_fields = ("title", "outlet")
    autocomplete_fields = ("cases",)
    raw_id_fields = ("region",)
    readonly_fields = ("uuid", "created_by")
    date_hierarchy = "published_on"


@admin.register(Evidence)
class EvidenceAdmin(SimpleHistoryAdmin):
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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
