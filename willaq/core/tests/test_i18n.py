"""The interface in Spanish (the default) and English (locale/en), and the catalogue's health.

The English catalogue ships compiled (.mo) because CI machines may lack GNU gettext; the tests
below check that the .po is complete and that the shipped .mo was compiled from it.
"""

import gettext
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")
KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?) (\".*\")$")


@dataclass
class Entry:
    flags: set[str] = field(default_factory=set)
    context: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    line: int = 0


def parse_po(path: Path) -> list[Entry]:
    """Every live entry of a .po file (obsolete `#~` entries are skipped); the header is first."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] = ("", 0)
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if current is None or target[0] == "msgstr":  # a comment after a msgstr: next entry
                current = Entry(line=number)
                entries.append(current)
                target = ("", 0)
            if line.startswith("#,"):
                current.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        text: str
        if line.startswith('"'):
            text = json.loads(line)
        else:
            match = KEYWORD.match(line)
            assert match, f"{path}:{number}: unexpected line {raw!r}"
            keyword, index, quoted = match.groups()
            text = json.loads(quoted)
            starts_entry = keyword in ("msgctxt", "msgid")
            if current is None or (starts_entry and target[0] == "msgstr"):
                current = Entry(line=number)
                entries.append(current)
            target = ("msgstr", int(index or 0)) if keyword.startswith("msgstr") else (keyword, 0)
            if target[0] == "msgstr":
                current.msgstr[target[1]] = ""
            else:
                setattr(current, {"msgctxt": "context"}.get(keyword, keyword), "")
        assert current is not None
        if target[0] == "msgstr":
            current.msgstr[target[1]] += text
        else:
            attribute = {"msgctxt": "context"}.get(target[0], target[0])
            setattr(current, attribute, (getattr(current, attribute) or "") + text)
    return entries


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return parse_po(CATALOGUE / "django.po")


def login_url() -> str:
    return reverse("accounts:login")


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- Pages -------------------------------------------------------------------------------


def test_login_page_is_in_spanish_by_default(anon_client: Client) -> None:
    page = anon_client.get(login_url()).content.decode()
    assert '<html lang="es">' in page
    assert "Correo electrónico" in page
    assert "Entrar a Willaq" in page
    assert "Email address" not in page


def test_login_page_in_english_with_the_language_cookie(anon_client: Client) -> None:
    page = english(anon_client).get(login_url()).content.decode()
    assert '<html lang="en">' in page
    assert "Email address" in page
    assert "Log in to Willaq" in page
    assert "Forgot your password?" in page
    assert "Correo electrónico" not in page
    assert "Contraseña" not in page


def test_login_page_in_english_with_accept_language(anon_client: Client) -> None:
    page = anon_client.get(login_url(), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert "Email address" in page
    assert "Correo electrónico" not in page


def test_a_language_without_a_catalogue_falls_back_to_spanish(anon_client: Client) -> None:
    page = anon_client.get(login_url(), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9").content.decode()
    assert "Correo electrónico" in page
    assert "Email address" not in page


def test_language_switcher_remembers_english(anon_client: Client) -> None:
    response = anon_client.post(reverse("set_language"), {"language": "en", "next": login_url()})
    assert response.status_code == 302
    assert response["Location"] == login_url()
    assert anon_client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Log in to Willaq" in anon_client.get(login_url()).content.decode()


def test_anonymous_in_english_is_sent_to_the_english_login(
    anon_client: Client, owner_institution: Any
) -> None:
    members = reverse("accounts:members", args=[owner_institution.slug])
    response = english(anon_client).get(members, follow=True)
    assert response.redirect_chain[0][0].startswith(login_url())
    page = response.content.decode()
    assert "Log in to Willaq" in page
    assert "Members of" not in page


def test_outsider_in_english_gets_the_english_not_found_page(
    outsider_client: Client, owner_institution: Any
) -> None:
    members = reverse("accounts:members", args=[owner_institution.slug])
    response = english(outsider_client).get(members)
    assert response.status_code == 404
    page = response.content.decode()
    assert "We could not find this page" in page
    assert "No encontramos esta página" not in page
    assert owner_institution.name not in page


def test_member_without_the_admin_role_gets_the_english_forbidden_page(
    analyst_client: Client, owner_institution: Any
) -> None:
    members = reverse("accounts:members", args=[owner_institution.slug])
    response = english(analyst_client).get(members)
    assert response.status_code == 403
    page = response.content.decode()
    assert "You do not have permission to do this" in page
    assert "No tiene permiso" not in page


def test_api_errors_follow_accept_language(anon_client: Client) -> None:
    url = reverse("api:list_cases")
    spanish = anon_client.get(url).json()["detail"]
    english_detail = anon_client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert "Se requiere autenticación" in spanish
    assert "Authentication required" in english_detail
    assert "autenticación" not in english_detail


# --- Labels in code ----------------------------------------------------------------------


def test_case_state_labels_are_translated() -> None:
    # This base app does not import the apps above it; the choices are read from the model.
    labels = dict(apps.get_model("cases", "Case")._meta.get_field("state").choices or [])
    with override("en"):
        assert str(labels["withdrawn"]) == "Withdrawn"
        assert str(labels["latent"]) == "Latent"
        assert str(labels["pre_conflict"]) == "Pre-conflict"
    with override("es"):
        assert str(labels["withdrawn"]) == "Retirado"
        assert str(labels["latent"]) == "Latente"


def test_plural_forms_and_placeholders_are_translated() -> None:
    with override("en"):
        assert ngettext("%(total)s caso", "%(total)s casos", 1) % {"total": 1} == "1 case"
        assert ngettext("%(total)s caso", "%(total)s casos", 3) % {"total": 3} == "3 cases"
        assert _("Página %(number)s de %(pages)s") % {"number": 2, "pages": 5} == "Page 2 of 5"
    with override("es"):
        assert ngettext("%(total)s caso", "%(total)s casos", 3) % {"total": 3} == "3 casos"


def test_every_translatable_choice_label_is_in_the_catalogue(entries: list[Entry]) -> None:
    catalogue = {entry.msgid for entry in entries if entry.context is None}
    missing: set[str] = set()
    for model in apps.get_models():
        # Historical models (django-simple-history) repeat the labels of the model they track.
        if not model.__module__.startswith("willaq.") or model.__name__.startswith("Historical"):
            continue
        for model_field in model._meta.get_fields():
            for _value, label in getattr(model_field, "choices", None) or []:
                if isinstance(label, Promise):
                    with override("es"):
                        if str(label) not in catalogue:
                            missing.add(f"{model.__name__}.{model_field.name}: {label}")
    assert not missing, "run `make messages` and translate: " + "; ".join(sorted(missing))


# --- The catalogue -----------------------------------------------------------------------


def test_catalogue_has_no_fuzzy_entries(entries: list[Entry]) -> None:
    fuzzy = [f"line {entry.line}: {entry.msgid!r}" for entry in entries if "fuzzy" in entry.flags]
    assert not fuzzy, fuzzy


def test_catalogue_has_no_untranslated_entries(entries: list[Entry]) -> None:
    assert len(entries) > 100
    untranslated = []
    for entry in entries[1:]:
        forms = 2 if entry.msgid_plural is not None else 1
        if sorted(entry.msgstr) != list(range(forms)) or not all(entry.msgstr.values()):
            untranslated.append(f"line {entry.line}: {entry.msgid!r}")
    assert not untranslated, untranslated


def test_catalogue_keeps_every_placeholder(entries: list[Entry]) -> None:
    broken = []
    for entry in entries[1:]:
        sources = [entry.msgid, entry.msgid_plural or entry.msgid]
        for index, translation in entry.msgstr.items():
            expected = sorted(PLACEHOLDER.findall(sources[min(index, 1)]))
            if sorted(PLACEHOLDER.findall(translation)) != expected:
                broken.append(f"line {entry.line}: {translation!r}")
    assert not broken, broken


def test_header_declares_english_plurals(entries: list[Entry]) -> None:
    header = entries[0]
    assert header.msgid == ""
    assert "Language: en\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header.msgstr[0]


def test_shipped_mo_is_compiled_from_the_po(entries: list[Entry]) -> None:
    with (CATALOGUE / "django.mo").open("rb") as mo_file:
        compiled = gettext.GNUTranslations(mo_file)
    stale = []
    for entry in entries[1:]:
        if entry.msgid_plural is not None:
            got = [compiled.ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 2)]
            want = [entry.msgstr[0], entry.msgstr[1]]
        elif entry.context is not None:
            got = [compiled.pgettext(entry.context, entry.msgid)]
            want = [entry.msgstr[0]]
        else:
            got = [compiled.gettext(entry.msgid)]
            want = [entry.msgstr[0]]
        if got != want:
            stale.append(entry.msgid)
    assert not stale, "run `make messages`: the .mo is older than the .po: " + repr(stale[:5])
