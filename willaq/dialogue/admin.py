"""Django admin for the platform team: a read-only view of dialogue spaces and commitments.

Every change goes through the app's services (access rule, audit). Rows are scoped by the same
access functions as the pages and the API (``access.visible_spaces``, ``visible_sessions``,
``visible_actas``, ``visible_commitments``), and a staff member outside a space does not see its
confidential fields (``access.hidden_dialogue_fields``), as on every other surface.
"""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from willaq.core.admin import ReadOnlyAdminMixin
from willaq.dialogue import access
from willaq.dialogue.models import (
    Acta,
    Commitment,
    CommitmentEvidence,
    DialogueSession,
    DialogueSpace,
    Participant,
)


class _ScopedAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Read only; the fields a non-insider may not read are left out of the page."""

    def space_of(self, obj: Any) -> DialogueSpace:
        raise NotImplementedError

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = super().get_fields(request, obj)
        if obj is None:
            return fields
        hidden = access.hidden_dialogue_fields(request.user, self.space_of(obj))
        return [f for f in fields if f not in hidden]


class ParticipantInline(ReadOnlyAdminMixin, admin.TabularInline[Participant, DialogueSpace]):
    model = Participant
    extra = 0
    fields = ("name", "kind", "role", "institution", "actor")
    readonly_fields = fields


@admin.register(DialogueSpace)
class DialogueSpaceAdmin(_ScopedAdmin):
    list_display = ("name", "kind", "institution", "state", "start_date", "is_public")
    list_filter = ("kind", "state", "is_public")
    search_fields = ("name",)
    list_select_related = ("institution",)
    raw_id_fields = ("parent", "cases", "facilitators", "place", "created_by")
    exclude = ("ical_secret",)
    inlines = (ParticipantInline,)

    def space_of(self, obj: Any) -> DialogueSpace:
        space: DialogueSpace = obj
        return space

    def get_queryset(self, request: HttpRequest) -> QuerySet[DialogueSpace]:
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=access.visible_spaces(request.user).values("pk"))
        )


@admin.register(DialogueSession)
class DialogueSessionAdmin(_ScopedAdmin):
    list_display = ("space", "number", "starts_at", "state")
    list_filter = ("state",)
    list_select_related = ("space",)
    raw_id_fields = ("space", "created_by")
    date_hierarchy = "starts_at"

    def space_of(self, obj: Any) -> DialogueSpace:
        session: DialogueSession = obj
        return session.space

    def get_queryset(self, request: HttpRequest) -> QuerySet[DialogueSession]:
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=access.visible_sessions(request.user).values("pk"))
        )


@admin.register(Acta)
class ActaAdmin(_ScopedAdmin):
    list_display = ("title", "signed_on", "session")
    list_select_related = ("session__space",)
    raw_id_fields = ("session", "signatories", "created_by")

    def space_of(self, obj: Any) -> DialogueSpace:
        acta: Acta = obj
        return acta.session.space

    def get_queryset(self, request: HttpRequest) -> QuerySet[Acta]:
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=access.visible_actas(request.user).values("pk"))
        )


class EvidenceInline(ReadOnlyAdminMixin, admin.TabularInline[CommitmentEvidence, Commitment]):
    model = CommitmentEvidence
    extra = 0
    fields = ("description", "url", "amount_executed", "verified_at")
    readonly_fields = fields


@admin.register(Commitment)
class CommitmentAdmin(_ScopedAdmin):
    list_display = ("acta", "number", "due_date", "state", "progress", "amount")
    list_filter = ("state", "funding_source")
    search_fields = ("description",)
    list_select_related = ("acta",)
    raw_id_fields = ("acta", "responsible", "created_by")
    date_hierarchy = "due_date"
    inlines = (EvidenceInline,)

    def space_of(self, obj: Any) -> DialogueSpace:
        commitment: Commitment = obj
        return commitment.space

    def get_queryset(self, request: HttpRequest) -> QuerySet[Commitment]:
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=access.visible_commitments(request.user).values("pk"))
        )
