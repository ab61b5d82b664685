"""Reading the recorded history: what changed on a case, and the registry as of any date.

django-simple-history writes one historical row per save of a case and of each of its parts.
``case_history`` turns those rows into readable entries (who, when, which fields, old → new),
hiding what the reader may not see; ``cases_as_of`` rebuilds every case as it stood at a moment,
which is what the monthly report needs ("the state of every case at the end of the month").
"""

import calendar
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from willaq.accounts.access import AnyUser
from willaq.cases import access
from willaq.cases.choices import CaseState, TransitionKind
from willaq.cases.models import (
    Case,
    CaseActor,
    CaseClassification,
    CaseExternalId,
    CasePlace,
    CaseTransition,
    Category,
    Event,
    Evidence,
    NewsItem,
    Victim,
)
from willaq.territory.models import Grouping, Ubigeo

# Bookkeeping columns that never interest a reader.
_IGNORED = {"updated_at", "created_at", "approved_at", "id", "uuid", "created_by", "is_demo"}


# A change recorded this long after it took effect shows both dates.
_LATE = dt.timedelta(minutes=1)


@dataclass
class HistoryEntry:
    """One line of a case's history. ``when`` is when the change took effect (simple-history's
    ``history_date``, the date month-end figures follow), ``recorded`` when it was written."""

    when: dt.datetime
    who: str
    what: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    recorded: dt.datetime | None = None

    @property
    def effective(self) -> dt.datetime:
        return self.when

    @property
    def recorded_late(self) -> bool:
        """Whether it was recorded at another time than it took effect (a late report, an
        import): the history then shows both dates."""
        return self.recorded is not None and abs(self.recorded - self.when) >= _LATE


def end_of_month(year: int, month: int) -> dt.datetime:
    """The last instant of a month in the installation's time zone."""
    last_day = calendar.monthrange(year, month)[1]
    tz = ZoneInfo(settings.TIME_ZONE)
    return dt.datetime(year, month, last_day, 23, 59, 59, 999999, tzinfo=tz)


def _latest_rows(history: Any, when: dt.datetime) -> Any:
    """The newest historical row of each object at ``when``, deletions left out.

    Rows written in one instant (create, submit and approve together) share ``history_date``:
    the later row (higher ``history_id``) wins, so each object comes back exactly once. The
    window runs over three narrow columns (the ``historicalcase_as_of`` index on PostgreSQL);
    only the chosen rows are read whole, and a deletion is dropped after the choice, so an
    object deleted by then is absent rather than shown as it was before.
    """
    newest_first = Window(
        RowNumber(),
        partition_by=[F("id")],
        order_by=[F("history_date").desc(), F("history_id").desc()],
    )
    newest = (
        history.filter(history_date__lte=when)
        .annotate(_newest=newest_first)
        .filter(_newest=1)
        .values("history_id")
    )
    return history.model.objects.filter(history_id__in=newest).exclude(history_type="-")


# What the monthly report needs from each case at a month end (no text fields).
REPORT_FIELDS = (
    "id",
    "code",
    "name",
    "institution_id",
    "state",
    "phase",
    "typology_id",
    "subtype_id",
    "start_date",
    "end_date",
    "dialogue_mechanism",
    "institution_role",
    "competent_authority",
)


def case_rows_as_of(
    when: dt.datetime, fields: Iterable[str] = REPORT_FIELDS
) -> list[dict[str, Any]]:
    """The given columns of every case as it stood at ``when``, one dict per case, by id.

    The cheap form of ``cases_as_of`` for reports: no model objects, only the columns asked.
    """
    return list(_latest_rows(Case.history.all(), when).order_by("id").values(*fields))


def cases_as_of(when: dt.datetime, queryset: Iterable[Case] | None = None) -> list[Case]:
    """Every case as it stood at ``when``, once each, by id (cases created later are absent)."""
    history = Case.history.all()
    if queryset is not None:
        history = history.filter(id__in=[c.pk for c in queryset])
    names = [f.attname for f in Case._meta.concrete_fields]
    rows = _latest_rows(history, when).order_by("id").values_list(*names)
    return [Case.from_db(rows.db, names, row) for row in rows]


def case_as_of(case: Case, when: dt.datetime) -> Case | None:
    try:
        return case.history.as_of(when)
    except Case.DoesNotExist:
        return None


def classifications_as_of(
    when: dt.datetime, institution_id: int | None = None
) -> dict[int, dict[int, str]]:
    """Each case's PCM classifications as they stood at ``when`` (by effective date), keyed by
    case id, then by the classifying institution's id. ``institution_id`` keeps one
    institution's classifications only."""
    history = CaseClassification.history.all()
    if institution_id is not None:
        history = history.filter(institution_id=institution_id)
    rows = _latest_rows(history, when).values_list("case_id", "institution_id", "classification")
    result: dict[int, dict[int, str]] = {}
    for case_id, institution, value in rows:
        result.setdefault(case_id, {})[institution] = value
    return result


def places_as_of(when: dt.datetime) -> dict[int, list[CasePlace]]:
    """Each case's places as they stood at ``when``, keyed by case id."""
    result: dict[int, list[CasePlace]] = {}
    for place in CasePlace.history.as_of(when):
        result.setdefault(place.case_id, []).append(place)
    return result


def actors_as_of(
    when: dt.datetime, case_ids: Iterable[int] | None = None
) -> dict[int, list[CaseActor]]:
    """Each case's actor links as they stood at ``when`` (by effective date), keyed by case id:
    an actor linked today with an effective date last year is in the case as of last year; an
    actor unlinked since is still there as of before it left. Each link comes with its actor
    (as it is now: names are not historised per case). ``case_ids`` narrows to some cases."""
    history = CaseActor.history.all()
    if case_ids is not None:
        history = history.filter(case_id__in=list(case_ids))
    rows = _latest_rows(history, when).select_related("actor").order_by("case_id", "role", "id")
    result: dict[int, list[CaseActor]] = {}
    for row in rows:
        link = row.instance
        link.actor = row.actor
        result.setdefault(link.case_id, []).append(link)
    return result


class _Formatter:
    """Turns stored values into readable text, resolving choices and foreign keys once."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self._cache: dict[tuple[str, Any], str] = {}

    def label(self, name: str) -> str:
        try:
            return str(getattr(self.model._meta.get_field(name), "verbose_name", name))
        except FieldDoesNotExist:
            return name

    def value(self, name: str, raw: Any) -> str:
        if raw in (None, ""):
            return "—"
        if isinstance(raw, list):
            return ", ".join(self.value(name, v) for v in raw) or "—"
        key = (name, raw if not isinstance(raw, dict) else str(raw))
        if key in self._cache:
            return self._cache[key]
        text = self._format(name, raw)
        self._cache[key] = text
        return text

    def _format(self, name: str, raw: Any) -> str:
        try:
            model_field = self.model._meta.get_field(name)
        except FieldDoesNotExist:
            return str(raw)
        choices = getattr(model_field, "choices", None)
        if choices:
            return str(dict(choices).get(raw, raw))
        if isinstance(model_field, models.ForeignKey):
            related = model_field.related_model
            if related in (Category, Ubigeo, Grouping):
                obj = related._default_manager.filter(pk=raw).first()
                return str(obj) if obj else str(raw)
        if isinstance(raw, bool):
            return _("sí") if raw else _("no")
        if isinstance(raw, dt.datetime) and timezone.is_aware(raw):
            raw = timezone.localtime(raw)
        # Dates and numbers as every page writes them (config/formats).
        return str(formats.localize(raw))


def _who(record: Any) -> str:
    user = getattr(record, "history_user", None)
    return str(user) if user else _("Sistema")


# For one historical row: the fields this reader may not see in it, or None when the reader may
# not see the row at all (e.g. another institution's evidence while it was confidential).
HiddenAt = Callable[[Any], frozenset[str] | None]
_ALL = frozenset({"*"})


def _diff_entries(
    records: list[Any],
    *,
    created: str,
    changed: str,
    deleted: str,
    formatter: _Formatter,
    hidden_at: HiddenAt,
    describe: Any = None,
) -> list[HistoryEntry]:
    """Entries for one object's consecutive historical rows (ordered oldest first).

    Each value is judged by the row it was in force in: an old value is hidden when its field
    was confidential in the previous row, a new value when it is confidential in this row. So a
    field made public later never reveals what was written while it was confidential."""
    entries: list[HistoryEntry] = []
    previous = None
    hidden_before: frozenset[str] = _ALL
    for rec in records:
        hidden_now = hidden_at(rec)
        if hidden_now is None:
            previous, hidden_before = rec, _ALL
            continue
        suffix = f": {describe(rec)}" if describe else ""
        if rec.history_type == "+":
            entries.append(
                HistoryEntry(rec.history_date, _who(rec), created + suffix, [], rec.recorded_at)
            )
        elif rec.history_type == "-":
            entries.append(
                HistoryEntry(rec.history_date, _who(rec), deleted + suffix, [], rec.recorded_at)
            )
        elif previous is not None:
            delta = rec.diff_against(previous, excluded_fields=_IGNORED)
            changes = []
            for change in delta.changes:
                if change.field == "sectors":
                    old = _m2m_names(change.old)
                    new = _m2m_names(change.new)
                else:
                    old = formatter.value(change.field, change.old)
                    new = formatter.value(change.field, change.new)
                if change.field in hidden_before or hidden_before is _ALL:
                    old = _("Confidencial")
                if change.field in hidden_now:
                    new = _("Confidencial")
                changes.append((formatter.label(change.field), old, new))
            if changes:
                entries.append(
                    HistoryEntry(
                        rec.history_date, _who(rec), changed + suffix, changes, rec.recorded_at
                    )
                )
        previous, hidden_before = rec, hidden_now
    return entries


def _m2m_names(rows: Any) -> str:
    ids = [row.get("category") for row in rows or []]
    names = Category.objects.filter(pk__in=ids).values_list("name", flat=True)
    return ", ".join(sorted(names)) or "—"


def _part_entries(
    history: Any,
    labels: tuple[str, str, str],
    formatter: _Formatter,
    hidden_at: HiddenAt,
    describe: Callable[[Any], str],
) -> list[HistoryEntry]:
    """Entries for every object of one part (places, events…), each row judged by ``hidden_at``."""
    grouped: dict[int, list[Any]] = {}
    for rec in history.select_related("history_user").order_by("history_date", "history_id"):
        grouped.setdefault(rec.id, []).append(rec)
    entries: list[HistoryEntry] = []
    created, changed, deleted = labels
    for records in grouped.values():
        entries += _diff_entries(
            records,
            created=created,
            changed=changed,
            deleted=deleted,
            formatter=formatter,
            hidden_at=hidden_at,
            describe=describe,
        )
    return entries


def transition_text(transition: CaseTransition) -> str:
    """One state change as a sentence: "Devuelto a borrador por Ana: <motivo>"."""
    who = str(transition.by) if transition.by else _("Sistema")
    kind = transition.kind
    if kind == TransitionKind.APPROVED and transition.to_state == CaseState.PRE_CONFLICT:
        text = _("Aprobado como preconflicto por %(user)s")
    elif kind == TransitionKind.APPROVED:
        text = _("Aprobado como activo por %(user)s")
    else:
        text = {
            TransitionKind.CREATED: _("Creado como borrador por %(user)s"),
            TransitionKind.SUBMITTED: _("Propuesto para aprobación por %(user)s"),
            TransitionKind.RETURNED: _("Devuelto a borrador por %(user)s"),
            TransitionKind.ESCALATED: _("Pasado de preconflicto a activo por %(user)s"),
            TransitionKind.TO_LATENT: _("Pasado a latente por %(user)s"),
            TransitionKind.REACTIVATED: _("Reactivado por %(user)s"),
            TransitionKind.WITHDRAWN_REACTIVATED: _("Caso retirado reactivado por %(user)s"),
            TransitionKind.RESOLVED: _("Marcado como resuelto por %(user)s"),
            TransitionKind.WITHDRAWN: _("Retirado del reporte por %(user)s"),
            TransitionKind.MERGED: _("Fusionado en otro caso por %(user)s"),
        }.get(TransitionKind(kind), _("Cambio de estado por %(user)s"))
    text = text % {"user": who}
    return f"{text}: {transition.reason}" if transition.reason else text


def with_transitions(case_entries: list[HistoryEntry], case: Case) -> list[HistoryEntry]:
    """The case's own entries with each state change on a line of its own.

    A transition saves the case at the transition's instant; that "Caso modificado" entry (state,
    phase, code, end date) becomes the transition's line, keeping its field changes. The creation
    has its own "Caso creado" entry already. Reasons are not confidential: whoever reads the
    case reads them.
    """
    transitions = list(
        CaseTransition.objects.filter(case=case)
        .exclude(kind=TransitionKind.CREATED)
        .select_related("by")
        .order_by("occurred_at", "id")
    )
    if not transitions:
        return case_entries
    by_moment: dict[dt.datetime, list[HistoryEntry]] = {}
    for entry in case_entries:
        by_moment.setdefault(entry.when, []).append(entry)
    merged: list[HistoryEntry] = []
    absorbed: set[int] = set()
    for transition in transitions:
        changes: list[tuple[str, str, str]] = []
        for entry in by_moment.get(transition.occurred_at, []):
            if id(entry) not in absorbed and entry.what == _("Caso modificado"):
                absorbed.add(id(entry))
                changes = entry.changes
                break
        merged.append(
            HistoryEntry(
                transition.occurred_at,
                str(transition.by) if transition.by else _("Sistema"),
                transition_text(transition),
                changes,
                transition.recorded_at,
            )
        )
    return [e for e in case_entries if id(e) not in absorbed] + merged


def _case_event_ids(case: Case) -> Any:
    """The ids of every event of the case, removed ones too, as a subquery (a case may have
    thousands: the database joins them instead of receiving them as parameters)."""
    return Event.all_objects.filter(case_id=case.pk).values("pk")


def _recent(history: Any, limit: int | None) -> Any:
    """The historical rows of the objects changed most recently (all rows of each, so their
    diffs stay right): at most ``limit`` objects of one part."""
    if limit is None:
        return history
    ids = set(history.order_by("-history_date", "-history_id").values_list("id", flat=True)[:limit])
    return history.filter(id__in=ids)


def case_history(case: Case, user: AnyUser, limit: int | None = None) -> list[HistoryEntry]:
    """The case's recorded history, newest first, as this user may read it.

    What is hidden is decided by the access module's redaction rule, applied to each historical
    row with the confidentiality that was in force when that row was written.

    With ``limit``, only the most recent entries: each part (places, events, victims…) reads
    the rows of its ``limit`` most recently changed objects, so a case with thousands of events
    costs what a small one does (the case page); without it, everything (the history page)."""
    entries = _diff_entries(
        list(case.history.select_related("history_user").order_by("history_date", "history_id")),
        created=_("Caso creado"),
        changed=_("Caso modificado"),
        deleted=_("Caso eliminado"),
        formatter=_Formatter(Case),
        hidden_at=lambda rec: access.hidden_case_fields(user, case, rec.confidential_fields),
    )
    entries = with_transitions(entries, case)
    # Removed records keep their history, masked by the same rules. The owner and author of
    # the events whose victims are shown come from the events' own historical rows (an event
    # may be removed since).
    victim_rows = _recent(Victim.history.filter(event_id__in=_case_event_ids(case)), limit)
    event_owner = {
        event_id: (institution_id, author_id)
        for event_id, institution_id, author_id in Event.history.filter(
            id__in=victim_rows.values("event_id")
        ).values_list("id", "institution_id", "created_by_id")
    }
    no_fields: frozenset[str] = frozenset()

    def event_hidden(rec: Any) -> frozenset[str] | None:
        return access.hidden_event_fields(user, rec.institution_id)

    def victim_hidden(rec: Any) -> frozenset[str] | None:
        owner = event_owner.get(rec.event_id)
        if owner is None:
            return access.VICTIM_PRIVATE_FIELDS
        return access.hidden_victim_fields(user, owner[0], author_id=owner[1])

    def evidence_hidden(rec: Any) -> frozenset[str] | None:
        # Another institution's evidence is left out for as long as it was confidential.
        if rec.is_confidential and not access.inside_institution(user, rec.institution_id):
            return None
        return no_fields

    place_fmt, event_fmt = _Formatter(CasePlace), _Formatter(Event)
    victim_fmt, actor_fmt = _Formatter(Victim), _Formatter(CaseActor)
    entries += _part_entries(
        _recent(CasePlace.history.filter(case_id=case.pk), limit),
        (_("Lugar añadido"), _("Lugar modificado"), _("Lugar quitado")),
        place_fmt,
        lambda _rec: no_fields,
        lambda r: (
            place_fmt.value("grouping", r.grouping_id)
            if r.grouping_id
            else place_fmt.value("ubigeo", r.ubigeo_id)
        ),
    )
    entries += _part_entries(
        _recent(CaseExternalId.history.filter(case_id=case.pk), limit),
        (
            _("Identificador externo añadido"),
            _("Identificador externo modificado"),
            _("Identificador externo quitado"),
        ),
        _Formatter(CaseExternalId),
        lambda _rec: no_fields,  # not confidential: whoever reads the case reads them
        lambda r: f"{r.source}:{r.external_id}",
    )
    entries += _part_entries(
        _recent(Event.history.filter(case_id=case.pk), limit),
        (_("Evento registrado"), _("Evento modificado"), _("Evento eliminado")),
        event_fmt,
        event_hidden,
        lambda r: (
            f"{formats.localize(r.event_date)} · "
            f"{event_fmt.value('sub_event_type', r.sub_event_type)}"
        ),
    )
    entries += _part_entries(
        victim_rows,
        (_("Víctima registrada"), _("Víctima modificada"), _("Víctima eliminada")),
        victim_fmt,
        victim_hidden,
        lambda r: victim_fmt.value("outcome", r.outcome),
    )
    entries += _part_entries(
        _recent(CaseActor.history.filter(case_id=case.pk), limit).select_related("actor"),
        (_("Actor vinculado"), _("Actor del caso modificado"), _("Actor desvinculado")),
        actor_fmt,
        lambda _rec: no_fields,
        lambda r: f"{r.actor} ({actor_fmt.value('role', r.role)})",
    )
    entries += _part_entries(
        _recent(Evidence.history.filter(case_id=case.pk), limit),
        (_("Evidencia adjuntada"), _("Evidencia modificada"), _("Evidencia eliminada")),
        _Formatter(Evidence),
        evidence_hidden,
        lambda r: r.title,
    )
    entries = without_removal_fields(entries) + removal_entries(case, user, limit)
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries if limit is None else entries[:limit]


def without_removal_fields(entries: list[HistoryEntry]) -> list[HistoryEntry]:
    """The entries without the soft-removal columns' changes (and without entries left empty):
    a removal or restoration is told by its own line, not as a diff."""
    labels = {  # in the active language, as _Formatter.label gives them
        str(getattr(Event._meta.get_field(name), "verbose_name", name))
        for name in ("removed_at", "removed_by", "removal_reason")
    }
    result = []
    for entry in entries:
        if not entry.changes:
            result.append(entry)
            continue
        changes = [c for c in entry.changes if c[0] not in labels]
        if changes:
            entry.changes = changes
            result.append(entry)
    return result


def removal_entries(case: Case, user: AnyUser, limit: int | None = None) -> list[HistoryEntry]:
    """A line per removal ("Evento eliminado por Ana: <motivo>") and per restoration of the
    case's events, victims, news and evidence. Reasons are not confidential; another
    institution's confidential evidence is left out, as everywhere."""
    news_ids = list(NewsItem.all_objects.filter(cases=case).values_list("pk", flat=True))
    shown_evidence = list(
        access.visible_evidence(user, case, include_removed=True).values_list("pk", flat=True)
    )
    event_fmt, victim_fmt = _Formatter(Event), _Formatter(Victim)
    parts: list[tuple[Any, str, str, Callable[[Any], str]]] = [
        (
            Event.history.filter(case_id=case.pk),
            _("Evento eliminado por %(user)s"),
            _("Evento restaurado por %(user)s"),
            lambda r: f"{r.event_date} · {event_fmt.value('sub_event_type', r.sub_event_type)}",
        ),
        (
            Victim.history.filter(event_id__in=_case_event_ids(case)),
            _("Víctima eliminada por %(user)s"),
            _("Víctima restaurada por %(user)s"),
            lambda r: victim_fmt.value("outcome", r.outcome),
        ),
        (
            NewsItem.history.filter(id__in=news_ids),
            _("Noticia eliminada por %(user)s"),
            _("Noticia restaurada por %(user)s"),
            lambda r: r.title,
        ),
        (
            Evidence.history.filter(id__in=shown_evidence),
            _("Evidencia eliminada por %(user)s"),
            _("Evidencia restaurada por %(user)s"),
            lambda r: r.title,
        ),
    ]
    entries: list[HistoryEntry] = []
    for history, removed_text, restored_text, describe in parts:
        previous: dict[int, Any] = {}
        rows = _recent(history, limit).select_related("history_user")
        for rec in rows.order_by("history_date", "history_id"):
            was_removed = previous.get(rec.id) is not None
            previous[rec.id] = rec.removed_at
            if rec.history_type != "~" or was_removed == (rec.removed_at is not None):
                continue
            who = _who(rec)
            if rec.removed_at is not None:
                what = removed_text % {"user": who} + f" ({describe(rec)})"
                if rec.removal_reason:
                    what += f": {rec.removal_reason}"
            else:
                what = restored_text % {"user": who} + f" ({describe(rec)})"
            entries.append(HistoryEntry(rec.history_date, who, what, [], rec.recorded_at))
    return entries
