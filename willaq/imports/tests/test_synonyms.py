"""The synonym tables: shipped as data, loaded idempotently, extended by institution admins (whose
spellings win for their institution only), every change audited."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from willaq.accounts.models import Institution, User
from willaq.audit.models import AuditEvent, AuditLog
from willaq.cases.models import Case
from willaq.imports.choices import SynonymKind
from willaq.imports.models import Synonym
from willaq.imports.services import (
    add_synonym,
    load_shared_synonyms,
    read_synonym_file,
    remove_synonym,
)
from willaq.imports.vocabulary import Vocabulary


def test_the_data_file_loads_once(db: None) -> None:
    shipped = read_synonym_file()
    assert Synonym.objects.filter(institution=None).count() == len(shipped)
    assert load_shared_synonyms() == (0, 0, 0)
    assert shipped[("typology", "sociambiental")] == "socioambiental"
    assert shipped[("typology", "universitario")] == "otros-asuntos"
    assert shipped[("place", "lima provincias")] == "grouping:lima-provincias"


def test_every_shipped_target_exists(owner_institution: Institution) -> None:
    from willaq.imports.vocabulary import valid_targets

    wrong = [
        (kind, text, target)
        for (kind, text), target in read_synonym_file().items()
        if target not in valid_targets(SynonymKind(kind), owner_institution)
    ]
    assert wrong == []


def test_load_synonyms_command_removes_what_left_the_file(db: None) -> None:
    Synonym.objects.create(kind=SynonymKind.STATE, text="obsoleto", target="active")
    call_command("load_synonyms", verbosity=0)
    assert not Synonym.objects.filter(folded="obsoleto").exists()


def test_institution_spelling_wins_for_that_institution_only(
    inst_admin: User, owner_institution: Institution, other_institution: Institution
) -> None:
    add_synonym(
        user=inst_admin,
        institution=owner_institution,
        kind=SynonymKind.TYPOLOGY,
        text="Universitario",
        target="gobierno-nacional",
    )
    add_synonym(
        user=inst_admin,
        institution=owner_institution,
        kind=SynonymKind.TYPOLOGY,
        text="Asunto Rondero",
        target="comunal",
    )
    own = Vocabulary(owner_institution)
    other = Vocabulary(other_institution)
    assert own.lookup(SynonymKind.TYPOLOGY, "UNIVERSITARIO") == "gobierno-nacional"
    assert other.lookup(SynonymKind.TYPOLOGY, "universitario") == "otros-asuntos"
    assert own.lookup(SynonymKind.TYPOLOGY, "asunto rondero") == "comunal"
    assert other.lookup(SynonymKind.TYPOLOGY, "asunto rondero") is None
    assert AuditLog.objects.filter(event_type=AuditEvent.SYNONYM_ADDED).count() == 2


def test_an_import_uses_the_institution_spelling(
    inst_admin: User, coordinator: User, owner_institution: Institution, tmp_path: Path
) -> None:
    add_synonym(
        user=inst_admin,
        institution=owner_institution,
        kind=SynonymKind.CASE_COLUMN,
        text="Zona de conflicto",
        target="department",
    )
    path = tmp_path / "casos.csv"
    path.write_text(
        "Caso,Zona de conflicto,Tipo,Estado,Fecha de inicio\nParo,Tacna,Laboral,Activo,2019\n",
        encoding="utf-8",
    )
    call_command("import_cases", str(path), "--institution", "defensoria", verbosity=0)
    assert Case.objects.get().places.get().ubigeo.code == "230000"


def test_only_admins_change_synonyms_and_targets_are_checked(
    analyst: User, inst_admin: User, other_admin: User, owner_institution: Institution
) -> None:
    with pytest.raises(PermissionDenied):
        add_synonym(
            user=analyst,
            institution=owner_institution,
            kind=SynonymKind.STATE,
            text="En curso",
            target="active",
        )
    with pytest.raises(PermissionDenied):
        add_synonym(
            user=other_admin,
            institution=owner_institution,
            kind=SynonymKind.STATE,
            text="En curso",
            target="active",
        )
    with pytest.raises(ValidationError) as error:
        add_synonym(
            user=inst_admin,
            institution=owner_institution,
            kind=SynonymKind.TYPOLOGY,
            text="Pesquero",
            target="pesca",
        )
    assert error.value.message_dict == {"target": ["«pesca» no es un valor válido para Tipología."]}
    assert Synonym.objects.exclude(institution=None).count() == 0


def test_remove_synonym(inst_admin: User, owner_institution: Institution) -> None:
    synonym = add_synonym(
        user=inst_admin,
        institution=owner_institution,
        kind=SynonymKind.STATE,
        text="Dormido",
        target="latent",
    )
    remove_synonym(user=inst_admin, synonym=synonym)
    assert not Synonym.objects.filter(folded="dormido").exists()
    assert AuditLog.objects.filter(event_type=AuditEvent.SYNONYM_REMOVED).count() == 1
    shared = Synonym.objects.filter(institution=None).first()
    assert shared is not None
    with pytest.raises(PermissionDenied):
        remove_synonym(user=inst_admin, synonym=shared)


def test_selectors_list_shared_and_own_spellings(
    inst_admin: User, owner_institution: Institution, other_institution: Institution
) -> None:
    from willaq.imports.selectors import import_runs, synonyms_for

    add_synonym(
        user=inst_admin,
        institution=owner_institution,
        kind=SynonymKind.STATE,
        text="Dormido",
        target="latent",
    )
    shared = Synonym.objects.filter(institution=None, kind=SynonymKind.STATE).count()
    assert synonyms_for(owner_institution, SynonymKind.STATE).count() == shared + 1
    assert synonyms_for(other_institution, SynonymKind.STATE).count() == shared
    assert import_runs(owner_institution).count() == 0
