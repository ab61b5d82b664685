"""What every app's Django admin shares: records are read there, never written (every change
goes through the app's services, which check the access rule and write the audit log)."""

from typing import Any

from django.http import HttpRequest


class ReadOnlyAdminMixin:
    """First base of a ModelAdmin or an inline: no add, change or delete."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
