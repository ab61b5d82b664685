"""An institution admin extends the import's synonym tables on a page; the spelling then works
in that institution's imports only. Other people get 403 (members) or 404 (strangers)."""

from pathlib import Path

from django.test import Client
from django.urls import reverse

from willaq.accounts.models import Institution, User
from willaq.audit.models import AuditEvent, AuditLog
from willaq.imports.choices import SynonymKind
from willaq.imports.models import Synonym
from willaq.imports.services import ImportOptions, analyse_cases

FILE = "Caso,Departamento,Tipo,Estado,Fecha de inicio\nUno,Cusco,Conflicto hídrico,Activo,2020\n"


def url(institution: Institution, kind: str = "typology") -> str:
    return reverse("imports:synonyms", args=[institution.slug]) + f"?clase={kind}"


def test_admin_adds_a_typology_spelling_and_the_import_then_knows_it(
    admin_client: Client,
    owner_institution: Institution,
    other_institution: Institution,
    coordinator: User,
    tmp_path: Path,
) -> None:
    path = tmp_path / "casos.csv"
    path.write_text(FILE, encoding="utf-8")
    before = analyse_cases(path, ImportOptions(institution=owner_institution, user=coordinator))
    assert before.rejected == 1
    assert "Conflicto hídrico" in before.unmatched.get("typology", {})

    page = admin_client.get(url(owner_institution))
    assert page.status_code == 200
    assert "Su institución no ha añadido ninguno" in page.content.decode()
    response = admin_client.post(
        url(owner_institution),
        {
            "action": "add",
            "kind": "typology",
            "text": "Conflicto hídrico",
            "target": "socioambiental",
        },
    )
    assert response.status_code == 302
    own = Synonym.objects.filter(institution=owner_institution)
    assert [(s.kind, s.folded, s.target) for s in own] == [
        (SynonymKind.TYPOLOGY, "conflicto hidrico", "socioambiental")
    ]
    assert AuditLog.objects.filter(event_type=AuditEvent.SYNONYM_ADDED).count() == 1
    listed = admin_client.get(url(owner_institution)).content.decode()
    assert "Conflicto hídrico" in listed
    assert "Socioambiental" in listed  # the meaning shown by its name

    after = analyse_cases(path, ImportOptions(institution=owner_institution, user=coordinator))
    assert (after.created, after.rejected) == (1, 0)
    # Only the institution that added it reads the file so.
    other = Synonym.objects.filter(institution=other_institution).count()
    assert other == 0

    response = admin_client.post(
        url(owner_institution),
        {"action": "remove", "kind": "typology", "text": "conflicto HIDRICO"},
    )
    assert response.status_code == 302
    assert Synonym.objects.filter(institution=owner_institution).count() == 0
    assert AuditLog.objects.filter(event_type=AuditEvent.SYNONYM_REMOVED).count() == 1


def test_a_meaning_that_does_not_exist_is_refused(
    admin_client: Client, owner_institution: Institution
) -> None:
    response = admin_client.post(
        url(owner_institution, "place"),
        {"action": "add", "kind": "place", "text": "Lima Sur", "target": "ubigeo:999999"},
    )
    assert response.status_code == 400
    assert "no es un valor válido" in response.content.decode()
    assert Synonym.objects.filter(institution=owner_institution).count() == 0


def test_shared_spellings_are_listed_but_cannot_be_removed_here(
    admin_client: Client, owner_institution: Institution
) -> None:
    shared = Synonym.objects.filter(institution=None, kind=SynonymKind.STATE)
    page = admin_client.get(url(owner_institution, "state"))
    assert page.context["shared_count"] == shared.count() > 0
    first = shared.first()
    assert first is not None
    text = first.text
    response = admin_client.post(
        url(owner_institution, "state"), {"action": "remove", "kind": "state", "text": text}
    )
    assert response.status_code == 404
    assert (
        Synonym.objects.filter(institution=None, kind=SynonymKind.STATE).count() == shared.count()
    )


def test_members_get_403_and_strangers_404(
    analyst_client: Client,
    outsider_client: Client,
    other_admin_client: Client,
    owner_institution: Institution,
) -> None:
    assert analyst_client.get(url(owner_institution)).status_code == 403
    assert outsider_client.get(url(owner_institution)).status_code == 404
    assert other_admin_client.get(url(owner_institution)).status_code == 404
    response = other_admin_client.post(
        url(owner_institution),
        {"action": "add", "kind": "typology", "text": "x", "target": "laboral"},
    )
    assert response.status_code == 404
    assert Synonym.objects.filter(institution=owner_institution).count() == 0
