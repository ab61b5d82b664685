"""Reads of the import app: an institution's synonyms and its import runs."""

from django.db.models import Q, QuerySet

from willaq.accounts.models import Institution
from willaq.imports.models import ImportJob, ImportRun, Synonym


def synonyms_for(institution: Institution, kind: str | None = None) -> QuerySet[Synonym]:
    """The spellings an institution's imports use: shared ones and its own."""
    rows = Synonym.objects.filter(Q(institution=None) | Q(institution=institution))
    if kind is not None:
        rows = rows.filter(kind=kind)
    return rows.select_related("institution").order_by("kind", "folded", "institution_id")


def import_runs(institution: Institution) -> QuerySet[ImportRun]:
    return ImportRun.objects.filter(institution=institution).select_related("user")


# The import page lists this many recent files.
RECENT_JOBS = 20


def recent_jobs(institutions: QuerySet[Institution]) -> QuerySet[ImportJob]:
    """The latest files uploaded for these institutions, newest first (the import page)."""
    return (
        ImportJob.objects.filter(institution__in=institutions)
        .select_related("institution", "user")
        .defer("analysis", "result")
        .order_by("-created_at")[:RECENT_JOBS]
    )
