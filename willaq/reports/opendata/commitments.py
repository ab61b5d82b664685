"""The ``commitments`` open-data set (issue 7 §4, issue 9): one row per commitment of an acta
signed at a dialogue space.

- **Which rows**: for the public (``/datos/``), the commitments of **public** spaces only
  (``willaq.dialogue.access.public_commitments``); through the API, every commitment the
  signed-in user reads (``visible_commitments``) — ``willaq.reports.access``.
- **Which fields**: never a confidential one in the public file (the private column is left
  out); in the API's, ``internal_notes`` only for the insiders of the space, blank otherwise —
  redacted per row with ``willaq.cases.access.redacted`` and the dialogue rule
  (``with_insider_flag`` / ``row_hidden_fields``, the same as ``hidden_dialogue_fields``).
  Linked cases are listed only when the reader may see them (registered ones for the public).
- **Place**: the space's place (ubigeo) and its centroid, the GeoJSON point.
- **Overdue** is derived on the day of the export (Lima), as everywhere.

Read with a server-side cursor by id (stable order), ``CHUNK_SIZE`` rows at a time with their
responsible parties, evidence and cases prefetched per chunk.
"""

from collections.abc import Iterator
from decimal import Decimal

from django.db import transaction
from django.db.models import Prefetch, QuerySet

from willaq.accounts.access import AnyUser
from willaq.cases.access import redacted
from willaq.cases.models import Case
from willaq.dialogue import access as dialogue_access
from willaq.dialogue import clock
from willaq.dialogue.models import Commitment, CommitmentEvidence, Participant
from willaq.reports.access import open_data_cases, open_data_commitments
from willaq.reports.opendata.columns import LIST_SEPARATOR
from willaq.reports.opendata.filters import ExportFilters
from willaq.reports.opendata.rows import CHUNK_SIZE, Lookups, Row


def filtered_commitments(
    user: AnyUser, filters: ExportFilters, lookups: Lookups
) -> QuerySet[Commitment]:
    """The commitments of the export; the period is the due date's, the institution the
    convening one, the department the space's place's."""
    commitments = open_data_commitments(user)
    if filters.date_from:
        commitments = commitments.filter(due_date__gte=filters.date_from)
    if filters.date_to:
        commitments = commitments.filter(due_date__lte=filters.date_to)
    if filters.institution:
        institution_id = lookups.institution_id(filters.institution)
        commitments = (
            commitments.filter(space__institution_id=institution_id)
            if institution_id
            else commitments.none()
        )
    if filters.department:
        commitments = commitments.filter(space__place__department_code=filters.department)
    return commitments


def commitment_rows(user: AnyUser, filters: ExportFilters, lookups: Lookups) -> Iterator[Row]:
    """One row per commitment, by id, in the columns of ``COMMITMENT_COLUMNS`` (without the
    private column for the public)."""
    commitments = (
        dialogue_access.with_insider_flag(
            filtered_commitments(user, filters, lookups), user, "space_id"
        )
        .select_related("space", "acta")
        .prefetch_related(
            Prefetch("responsible", Participant.objects.order_by("name", "id")),
            Prefetch(
                "evidence",
                CommitmentEvidence.objects.only(
                    "id", "commitment_id", "amount_executed", "verified_at"
                ),
            ),
            Prefetch(
                "space__cases",
                Case.objects.filter(pk__in=open_data_cases(user).values("pk")).order_by("id"),
            ),
        )
        .order_by("id")
    )
    with transaction.atomic(using=commitments.db):
        yield from _rows(user, commitments, lookups)


def _rows(user: AnyUser, commitments: QuerySet[Commitment], lookups: Lookups) -> Iterator[Row]:
    today = clock.today()
    private = user.is_authenticated
    for row in commitments.iterator(chunk_size=CHUNK_SIZE):
        commitment = redacted(row, dialogue_access.row_hidden_fields(row))
        space = commitment.space
        parties = list(commitment.responsible.all())
        evidence = list(commitment.evidence.all())
        verified = [e for e in evidence if e.verified_at is not None]
        unit = lookups.units.get(space.place_id) if space.place_id else None
        department, province, district = lookups.place_names(unit)
        institution = lookups.institutions.get(space.institution_id, ("", ""))
        values: Row = [
            str(commitment.uuid),
            commitment.number,
            commitment.description,
            LIST_SEPARATOR.join(p.name for p in parties),
            LIST_SEPARATOR.join(
                lookups.institutions.get(p.institution_id, ("", ""))[0]
                for p in parties
                if p.institution_id
            ),
            commitment.due_date,
            commitment.state,
            "true" if commitment.is_overdue_on(today) else "false",
            commitment.progress,
            commitment.weight,
            commitment.amount,
            commitment.funding_source,
            sum((e.amount_executed or Decimal(0) for e in verified), Decimal(0))
            if verified
            else None,
            len(evidence),
            len(verified),
            str(commitment.acta.uuid),
            commitment.acta.title,
            commitment.acta.signed_on,
            str(space.uuid),
            space.name,
            space.kind,
            space.state,
            institution[0],
            institution[1],
            LIST_SEPARATOR.join(str(c.uuid) for c in space.cases.all()),
            unit.code if unit else "",
            department,
            province,
            district,
            unit.latitude if unit else None,
            unit.longitude if unit else None,
        ]
        if private:
            values.append(commitment.internal_notes or "")
        yield values
