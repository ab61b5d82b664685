"""Django admin for the platform team: a read-only view of consultation processes, scoped by
the same access rule as the pages (``access.visible_processes``); the internal notes are left
out unless the staff member belongs to the promoting institution."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from willaq.consultation import access
from willaq.consultation.models import Agreement, ConsultationProcess
from willaq.core.admin import ReadOnlyAdminMixin


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Lists and shows rows; never adds, changes or deletes them."""


@admin.register(ConsultationProcess)
class ConsultationProcessAdmin(ReadOnlyAdmin):
    list_display = ("title", "institution", "current_stage", "state")
    list_filter = ("current_stage", "state", "measure_type")
    search_fields = ("title",)
    list_select_related = ("institution",)
    raw_id_fields = ("peoples", "localities", "cases", "created_by")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ConsultationProcess]:
        return access.visible_processes(request.user).select_related("institution")

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ("internal_notes", "created_by")
        return tuple(access.hidden_process_fields(request.user, obj))


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ("description", "process", "responsible", "due_date", "state")
    list_filter = ("state",)
    list_select_related = ("process",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Agreement]:
        return Agreement.objects.filter(
            process__in=access.visible_processes(request.user)
        ).select_related("process")

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ("internal_notes",)
        return tuple(access.hidden_process_fields(request.user, obj.process) & {"internal_notes"})
