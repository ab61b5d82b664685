"""Territory in the admin: searchable and read-only (`load_territory` owns the data)."""

from typing import TYPE_CHECKING

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from willaq.core.text import fold
from willaq.territory.models import Ubigeo

# ModelAdmin is generic for mypy only (django-stubs); at run time it takes no parameter.
if TYPE_CHECKING:
    UbigeoAdminBase = admin.ModelAdmin[Ubigeo]
else:
    UbigeoAdminBase = admin.ModelAdmin


@admin.register(Ubigeo)
class UbigeoAdmin(UbigeoAdminBase):
    list_display = ("code", "name", "level", "parent", "capital", "reniec_code")
    list_filter = ("level",)
    search_fields = ("code", "search_name", "reniec_code")
    list_select_related = ("parent",)
    ordering = ("code",)
    show_full_result_count = False

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Ubigeo], search_term: str
    ) -> tuple[QuerySet[Ubigeo], bool]:
        """Search ignores accents and case: "ancash" and "ÁNCASH" both find Áncash."""
        return super().get_search_results(request, queryset, fold(search_term))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Ubigeo | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Ubigeo | None = None) -> bool:
        return False
