"""Django admin for the platform team: a read-only view of early warning's records.

Reporters, pre-alerts, alerts and deployment orders are read only here: every change goes
through the app's services, which check the access rule and write the audit log. What a staff
member sees is scoped by the same access functions as the pages and the API
(``access.visible_reporters``, ``visible_prealerts``, ``hidden_prealert_fields``,
``visible_alerts``, ``visible_orders``), as ``willaq.cases.admin`` does for the case registry.
"""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from willaq.core.admin import ReadOnlyAdminMixin
from willaq.earlywarning import access
from willaq.earlywarning.models import (
    Alert,
    DeploymentOrder,
    PreAlert,
    PreAlertAttachment,
    Reporter,
)


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Lists and shows rows; never adds, changes or deletes them."""


class PreAlertAttachmentInline(
    ReadOnlyAdminMixin, admin.TabularInline[PreAlertAttachment, PreAlert]
):
    model = PreAlertAttachment
    extra = 0
    fields = ("name", "content_type", "size")
    readonly_fields = ("name", "content_type", "size")


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


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ("sent_at", "headline", "institution", "msg_type", "level", "is_public")
    list_filter = ("msg_type", "level", "is_public")
    search_fields = ("identifier", "headline")
    list_select_related = ("institution",)
    raw_id_fields = ("references", "area_units", "recipients", "case", "prealerts", "issued_by")
    date_hierarchy = "sent_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Alert]:
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=access.visible_alerts(request.user).values("pk"))
        )


@admin.register(DeploymentOrder)
class DeploymentOrderAdmin(ReadOnlyAdmin):
    list_display = ("ordered_at", "team", "institution", "ordering_institution", "state")
    list_filter = ("state",)
    search_fields = ("team",)
    list_select_related = ("institution", "ordering_institution")
    raw_id_fields = ("alert", "case", "ubigeo", "team_members", "ordered_by")
    date_hierarchy = "ordered_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[DeploymentOrder]:
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=access.visible_orders(request.user).values("pk"))
        )
