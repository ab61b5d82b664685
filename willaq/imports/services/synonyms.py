"""Adding and removing an institution's own synonyms (validated, atomic, audited), and loading
the shared table from the data file."""

import tomllib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from willaq.accounts.models import Institution, User
from willaq.audit.models import AuditEvent
from willaq.audit.services import record
from willaq.core.text import fold
from willaq.imports.access import can_manage_synonyms
from willaq.imports.choices import SynonymKind
from willaq.imports.models import Synonym
from willaq.imports.vocabulary import valid_targets

SYNONYMS_FILE = Path(settings.BASE_DIR) / "data" / "imports" / "synonyms.toml"


def read_synonym_file(path: Path = SYNONYMS_FILE) -> dict[tuple[str, str], str]:
    """{(kind, folded text): target} from the data file, checked: an unknown kind is an error."""
    with path.open("rb") as handle:
        data: dict[str, Any] = tomllib.load(handle)
    entries: dict[tuple[str, str], str] = {}
    for kind, table in data.items():
        if kind not in SynonymKind.values:
            raise ValueError(f"{path.name}: unknown kind [{kind}]")
        for target, spellings in table.items():
            for text in spellings:
                key = (kind, fold(text))
                if key in entries and entries[key] != target:
                    raise ValueError(f"{path.name}: «{text}» means two things in [{kind}]")
                entries[key] = target
    return entries


@transaction.atomic
def load_shared_synonyms(path: Path = SYNONYMS_FILE) -> tuple[int, int, int]:
    """Make the shared rows equal the file: (created, updated, removed). Idempotent."""
    wanted = read_synonym_file(path)
    existing = {(s.kind, s.folded): s for s in Synonym.objects.filter(institution=None)}
    created = updated = 0
    for (kind, folded), target in wanted.items():
        current = existing.get((kind, folded))
        if current is None:
            Synonym.objects.create(kind=kind, text=folded, target=target)
            created += 1
        elif current.target != target:
            current.target = target
            current.save()
            updated += 1
    stale = [s.pk for key, s in existing.items() if key not in wanted]
    Synonym.objects.filter(pk__in=stale).delete()
    return created, updated, len(stale)


@transaction.atomic
def add_synonym(
    *, user: User, institution: Institution, kind: str, text: str, target: str
) -> Synonym:
    """Add (or repoint) one of the institution's own spellings."""
    if not can_manage_synonyms(user, institution):
        raise PermissionDenied(_("Solo un administrador de la institución gestiona sus sinónimos."))
    if kind not in SynonymKind.values:
        raise ValidationError({"kind": _("Clase de sinónimo desconocida.")})
    folded = fold(text)
    if not folded and kind != SynonymKind.EMPTY:
        raise ValidationError({"text": _("Escriba el texto tal como aparece en los archivos.")})
    if len(text) > 200:
        raise ValidationError({"text": _("El texto admite hasta 200 caracteres.")})
    targets = valid_targets(SynonymKind(kind), institution)
    if target not in targets:
        raise ValidationError(
            {
                "target": _("«%(target)s» no es un valor válido para %(kind)s.")
                % {"target": target, "kind": SynonymKind(kind).label}
            }
        )
    synonym = Synonym.objects.filter(kind=kind, institution=institution, folded=folded).first()
    before = synonym.target if synonym else None
    if synonym is None:
        synonym = Synonym(kind=kind, institution=institution, text=text.strip(), target=target)
    synonym.target = target
    synonym.save()
    record(
        AuditEvent.SYNONYM_ADDED,
        synonym,
        acting_user=user,
        institution=institution,
        diff={"kind": kind, "text": synonym.text, "target": [before, target]},
    )
    return synonym


@transaction.atomic
def remove_synonym(*, user: User, synonym: Synonym) -> None:
    """Remove one of an institution's own spellings (shared ones change in the data file)."""
    institution = synonym.institution
    if institution is None:
        raise PermissionDenied(
            _("Los sinónimos compartidos se cambian en data/imports/synonyms.toml.")
        )
    if not can_manage_synonyms(user, institution):
        raise PermissionDenied(_("Solo un administrador de la institución gestiona sus sinónimos."))
    record(
        AuditEvent.SYNONYM_REMOVED,
        synonym,
        acting_user=user,
        institution=institution,
        diff={"kind": synonym.kind, "text": synonym.text, "target": [synonym.target, None]},
    )
    synonym.delete()
