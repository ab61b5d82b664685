"""The audit trail in the Django admin: read only, filtered by event."""

from django.contrib import admin
from django.http import HttpRequest

from willaq.audit.models import AuditLog


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin[AuditLog]):
    list_display = (
        "created_at",
        "event_type",
        "acting_user",
        "institution",
        "target_type",
        "target_id",
    )
    list_filter = ("event_type", "institution", "target_type")
    search_fields = ("target_id", "acting_user__email")
    date_hierarchy = "created_at"
    list_select_related = ("acting_user", "institution")
    fields = (
        "created_at",
        "event_type",
        "acting_user",
        "institution",
        "target_type",
        "target_id",
        "diff",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditLog | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditLog | None = None) -> bool:
        return False
