"""Django admin: complaints read only, scoped by the same access rule as the pages
(``access.visible_complaints``, identity blanked by ``access.hidden_complaint_fields``);
national holidays editable by the platform's admins (they drive the 30-working-day clock)."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from willaq.complaints import access
from willaq.complaints.models import Complaint, ComplaintPhoto, ComplaintRoute, Holiday
from willaq.core.admin import ReadOnlyAdminMixin


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Lists and shows rows; never adds, changes or deletes them."""


class ComplaintPhotoInline(ReadOnlyAdminMixin, admin.TabularInline[ComplaintPhoto, Complaint]):
    model = ComplaintPhoto
    extra = 0
    fields = ("name", "content_type", "size")
    readonly_fields = ("name", "content_type", "size")


class ComplaintRouteInline(ReadOnlyAdminMixin, admin.TabularInline[ComplaintRoute, Complaint]):
    model = ComplaintRoute
    extra = 0
    fields = ("routed_at", "from_institution", "to_institution", "reason")
    readonly_fields = ("routed_at", "from_institution", "to_institution", "reason")


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ("tracking_code", "received_at", "institution", "kind", "state", "due_date")
    list_filter = ("state", "kind")
    search_fields = ("tracking_code", "description")
    list_select_related = ("institution",)
    raw_id_fields = ("ubigeo", "case", "triaged_by", "institution", "received_by")
    date_hierarchy = "received_at"
    inlines = (ComplaintPhotoInline, ComplaintRouteInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Complaint]:
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=access.visible_complaints(request.user).values("pk"))
        )

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = super().get_fields(request, obj)
        hidden = (
            access.hidden_complaint_fields(request.user, obj) if obj is not None else frozenset()
        )
        return [f for f in fields if f not in hidden]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Editable: an admin adds a day the government declares, or corrects a name."""

    list_display = ("date", "name")
    search_fields = ("name",)
    date_hierarchy = "date"
