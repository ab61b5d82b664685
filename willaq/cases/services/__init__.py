"""Every change to a case and its parts: validate, write in one transaction, audit.

Services raise django.core.exceptions.ValidationError with messages keyed by field, in the
active language, so forms and the API report them the same way.

The functions live in modules by subject; this package re-exports them, so callers write
``services.create_case`` whatever the module."""

from willaq.cases.services.actors import (
    SIMILAR_ACTOR_SCORE,
    create_actor,
    link_actor,
    merge_actors,
    similar_actors,
    unlink_actor,
    update_actor_link,
)
from willaq.cases.services.cases import (
    CASE_DATA_FIELDS,
    PlaceInput,
    add_external_id,
    create_case,
    remove_external_id,
    update_case,
)
from willaq.cases.services.checks import (
    EARLIEST_DATE,
    FAR_POINT_KM,
    check_point,
    effective_moment,
    resolve_category,
)
from willaq.cases.services.classification import (
    classifications_text,
    classify_case,
    registrar_classification,
    set_classification,
)
from willaq.cases.services.corrections import (
    VICTIM_PERSONAL_FIELDS,
    erase_victim_identity,
    remove_record,
    restore_record,
)
from willaq.cases.services.effective import check_effective_date
from willaq.cases.services.records import (
    EVENT_FIELDS,
    EVIDENCE_CONTENT_TYPES,
    EVIDENCE_FIELDS,
    KEEP_CASE,
    NEWS_FIELDS,
    VICTIM_FIELDS,
    acting_institution,
    add_evidence,
    add_news,
    record_event,
    record_victim,
    update_event,
    update_evidence,
    update_news,
    update_victim,
    validate_evidence_file,
)
from willaq.cases.services.workflow import (
    TRANSITIONS,
    Transition,
    allowed_transitions,
    change_phase,
    merge_case,
    transition_case,
    transition_label,
    validate_phase,
)

__all__ = [
    "CASE_DATA_FIELDS",
    "EARLIEST_DATE",
    "EVENT_FIELDS",
    "EVIDENCE_CONTENT_TYPES",
    "EVIDENCE_FIELDS",
    "FAR_POINT_KM",
    "KEEP_CASE",
    "NEWS_FIELDS",
    "SIMILAR_ACTOR_SCORE",
    "TRANSITIONS",
    "VICTIM_FIELDS",
    "VICTIM_PERSONAL_FIELDS",
    "PlaceInput",
    "Transition",
    "acting_institution",
    "add_evidence",
    "add_external_id",
    "add_news",
    "allowed_transitions",
    "change_phase",
    "check_effective_date",
    "check_point",
    "classifications_text",
    "classify_case",
    "create_actor",
    "create_case",
    "effective_moment",
    "erase_victim_identity",
    "link_actor",
    "merge_actors",
    "merge_case",
    "record_event",
    "record_victim",
    "registrar_classification",
    "remove_external_id",
    "remove_record",
    "resolve_category",
    "restore_record",
    "set_classification",
    "similar_actors",
    "transition_case",
    "transition_label",
    "unlink_actor",
    "update_actor_link",
    "update_case",
    "update_event",
    "update_evidence",
    "update_news",
    "update_victim",
    "validate_evidence_file",
    "validate_phase",
]
