"""The monthly reports in the admin: read-only. Builds, publications and corrections go through
the services (validated, audited); a published version is frozen."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from willaq.reports.models import MonthlyReport


@admin.register(MonthlyReport)
class MonthlyReportAdmin(admin.ModelAdmin[MonthlyReport]):
    list_display = ("month", "institution", "version", "status", "built_at", "published_at")
    list_filter = ("status", "institution")
    date_hierarchy = "month"
    exclude = ("figures",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in MonthlyReport._meta.fields if f.name != "figures"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
