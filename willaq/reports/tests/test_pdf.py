"""The PDF: WeasyPrint composes it from the figures; its text, extracted with pypdf, holds every
counter with its number, the cover, a table of contents with page numbers and numbered pages."""

import io
import re

import pytest
from pypdf import PdfReader

from willaq.reports.pdf import MAX_PDF_FICHES, render_pdf
from willaq.reports.tests.hand_figures import sample_figures

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def rendered() -> tuple[bytes, list[str]]:
    data = render_pdf(sample_figures(), status_label="Versión 1 publicada")
    return data, pdf_text(data)


def test_cover_names_the_month_and_the_registry(rendered: tuple[bytes, list[str]]) -> None:
    data, pages = rendered
    assert data.startswith(b"%PDF-")
    cover = squash(pages[0])
    assert "REPORTE MENSUAL DE CONFLICTOS SOCIALES" in cover  # uppercase by the print CSS
    assert "octubre de 2026" in cover.lower()
    assert "todas las instituciones" in cover
    assert "Versión 1 publicada" in cover


def test_every_counter_appears_with_its_number(rendered: tuple[bytes, list[str]]) -> None:
    _data, pages = rendered
    text = squash(" ".join(pages))
    figures = sample_figures()
    expected = {
        "Casos registrados (activos y latentes)": figures["total"],
        "Activos": figures["active"],
        "Latentes": figures["latent"],
        "En preconflicto (no se cuentan en el total)": figures["pre_conflict"],
        "Nuevos": figures["new"],
        "Reactivados (de latente a activo)": figures["reactivated"],
        "De activo a latente": figures["active_to_latent"],
        "Resueltos": figures["resolved"],
        "Retirados del registro": figures["withdrawn"],
        "De retirado a activo": figures["withdrawn_to_active"],
        "Fusionados en otro caso": figures["merged"],
        "Casos activos en la fase de diálogo al cierre del mes:": figures["in_dialogue"]["total"],
        "Acciones de protesta en el mes:": figures["protest_actions"]["total"],
        "sin caso registrado:": figures["protest_actions"]["caseless"],
        "Muertos": figures["deaths"]["total"],
        "Heridos": figures["injured"]["total"],
        "Casos del informe sin clasificación PCM:": figures["pcm"]["unclassified"],
    }
    for label, number in expected.items():
        assert re.search(re.escape(label) + r" " + str(number) + r"\b", text), (label, number)
    assert "70.9 %" in text
    assert "29.1 %" in text
    # Rows of the tables: department (with its scope), typology, activity, phase, mechanism.
    assert "Áncash Un departamento 23 19 4" in text
    assert "Varios departamentos Varios departamentos 11 7 5" in text
    assert "Socioambiental 134 97 37" in text
    assert "Minería 88 64 24" in text
    assert "Diálogo 71" in text
    assert "Mesa de diálogo 44" in text
    assert "Marcha 58" in text
    assert "Puno 36" in text
    assert "Muertos 5 4 1 0 0" in text
    assert "Heridos 42 31 10 1 0" in text
    assert "Conflicto social 77" in text
    assert "Activo Conflicto social 66" in text  # the crosswalk


def test_lists_fiches_and_definitions(rendered: tuple[bytes, list[str]]) -> None:
    _data, pages = rendered
    text = squash(" ".join(pages))
    assert "2026-0101 · Caso Laguna Azul" in text
    assert "2019-0042 · Caso Río Seco" in text
    assert "Comunidad Huisa" in text
    assert "Empresa Minera Alfa" in text
    assert "2026-10-03: Paro de 48 horas en Espinar." in text
    assert "Nuevo Caso aprobado en el mes como activo o preconflicto" in text
    assert "Equivalencias entre ambas metodologías" in text


def test_table_of_contents_and_page_numbers(rendered: tuple[bytes, list[str]]) -> None:
    _data, pages = rendered
    total = len(pages)
    assert total >= 12  # cover, contents, one page per section at least
    toc = squash(pages[1])
    assert "Contenido" in toc
    # Each entry ends with the page its section starts on (CSS target-counter).
    found = {title: int(page) for title, page in re.findall(r"(\d+\. [^.]+?)\s*\.+\s*(\d+)", toc)}
    assert len(found) >= 11
    summary_page = found["1. Resumen del mes"]
    assert "Casos registrados al cierre del mes" in pages[summary_page - 1]
    definitions_page = found["11. Definiciones"]
    assert "11. Definiciones" in pages[definitions_page - 1]
    # Every page but the cover says "Página n de N".
    for number, page in enumerate(pages[1:], start=2):
        assert f"Página {number} de {total}" in squash(page)
    assert "Página" not in pages[0]


def test_a_registry_of_thousands_prints_a_bounded_number_of_fiches() -> None:
    figures = sample_figures()
    fiche = figures["fiches"][0]
    figures["fiches"] = [{**fiche, "code": f"2020-{n:04d}"} for n in range(MAX_PDF_FICHES + 7)]
    text = squash(" ".join(pdf_text(render_pdf(figures, status_label="Borrador"))))
    assert f"Se muestran las primeras {MAX_PDF_FICHES} fichas; 7 fichas más" in text
    assert f"2020-{MAX_PDF_FICHES - 1:04d} · Caso Laguna Azul" in text
    assert f"2020-{MAX_PDF_FICHES:04d} · Caso Laguna Azul" not in text
