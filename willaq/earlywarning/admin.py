"""Django admin for the platform team: a read-only view of early warning's records.

Reporters and pre-alerts are read only here: every change goes through the app's services,
which check the access rule and write the audit log. What a staff member sees is scoped by the
same access functions as the pages and the API (``access.visible_reporters``,
``access.visible_prealerts`` and ``access.hidden_prealert_fields``), as ``willaq.cases.admin``
does for the case registry.
"""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from willaq.earlywarning import access
from willaq.earlywarning.models import PreAlert, PreAlertAttachment, Reporter


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Lists and shows rows; never adds, changes or deletes them."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PreAlertAttachmentInline(admin.TabularInline[PreAlertAttachment, PreAlert]):
    model = PreAlertAttachment
    extra = 0
    fields = ("name", "content_type", "size")
    readonly_fields = ("name", "content_type", "size")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Reporter)
class ReporterAdmin(ReadOnlyAdmin):
    list_display = ("name", "level", "institution", "phone", "email", "is_active")
    list_filter = ("level", "is_active", "institution")
    search_fields = ("name", "phone", "email")
    list_select_related = ("institution",)
    raw_id_fields = ("territories", "user")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Reporter]:
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=access.visible_reporters(request.user).values("pk"))
        )


@admin.register(PreAlert)
class PreAlertAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "channel", "institution", "reporter", "state", "urgency")
    list_filter = ("state", "channel", "urgency", "is_structured", "unknown_sender")
    search_fields = ("description", "sender", "client_id")
    list_select_related = ("institution", "reporter")
    raw_id_fields = (
        "ubigeo",
        "reporter",
        "submitted_by",
        "assigned_to",
        "reviewing_by",
        "reviewed_by",
        "duplicate_of",
        "case",
        "event",
    )
    date_hierarchy = "received_at"
    inlines = (PreAlertAttachmentInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[PreAlert]:
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=access.visible_prealerts(request.user).values("pk"))
        )

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = super().get_fields(request, obj)
        hidden = (
            access.hidden_prealert_fields(request.user, obj) if obj is not None else frozenset()
        )
        return [f for f in fields if f not in hidden]
