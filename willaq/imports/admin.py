"""Django admin for the platform team: the synonym tables and the import runs, read only.

Synonyms change through ``services.add_synonym`` / ``remove_synonym`` (checked, audited) or the
data file; a staff member sees the shared rows and those of the institutions they belong to."""

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from willaq.accounts.access import institution_ids
from willaq.core.admin import ReadOnlyAdminMixin
from willaq.imports.models import ImportRun, Synonym


class ReadOnly(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Lists and shows rows; never adds, changes or deletes them."""


def _visible(request: HttpRequest, queryset: QuerySet[Any], shared: bool) -> QuerySet[Any]:
    if request.user.is_superuser:
        return queryset
    own = Q(institution_id__in=institution_ids(request.user))
    return queryset.filter(own | Q(institution__isnull=True) if shared else own)


@admin.register(Synonym)
class SynonymAdmin(ReadOnly):
    list_display = ("kind", "text", "target", "institution")
    list_filter = ("kind", "institution")
    search_fields = ("folded", "target")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Synonym]:
        return _visible(request, super().get_queryset(request), shared=True)


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnly):
    list_display = (
        "file_name",
        "kind",
        "institution",
        "started_at",
        "rows",
        "created",
        "updated",
        "unchanged",
        "rejected",
    )
    list_filter = ("kind", "institution")
    exclude = ("report",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ImportRun]:
        return _visible(request, super().get_queryset(request), shared=False)
