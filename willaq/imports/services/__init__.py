"""Every import and synonym change: validated, atomic, audited. The functions live in modules by
subject; this package re-exports them, so callers write ``services.import_cases``."""

from willaq.imports.services.cases import DEFAULTABLE, analyse_cases, derive_name, import_cases
from willaq.imports.services.common import ImportOptions, OptionsError, parse_pairs
from willaq.imports.services.events import EVENT_DEFAULTABLE, analyse_events, import_events
from willaq.imports.services.synonyms import (
    add_synonym,
    load_shared_synonyms,
    read_synonym_file,
    remove_synonym,
)

__all__ = [
    "DEFAULTABLE",
    "EVENT_DEFAULTABLE",
    "ImportOptions",
    "OptionsError",
    "add_synonym",
    "analyse_cases",
    "analyse_events",
    "derive_name",
    "import_cases",
    "import_events",
    "load_shared_synonyms",
    "parse_pairs",
    "read_synonym_file",
    "remove_synonym",
]
