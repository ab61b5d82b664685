"""The monthly report as an A4 PDF (WeasyPrint): cover, table of contents with page numbers,
every table of the figures, the fiches and the definitions. Only the Celery task calls it: a
big PDF is never composed inside a web request."""

import base64
import datetime as dt
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from weasyprint import CSS, HTML

from willaq.reports.charts import Spec, render_svg
from willaq.reports.figures import MonthlyFigures
from willaq.reports.months import month_label

PRINT_CSS = "css/report-print.css"
# Fiches printed: a regional registry has thousands of active cases, and a PDF of thousands of
# pages helps no reader; the rest are in the "fiches" CSV table (the PDF says how many).
MAX_PDF_FICHES = 300


def table_of_contents(*, with_charts: bool = False) -> list[tuple[str, str]]:
    """(anchor, title) of each section of ``reports/partials/figures.html``, in order, then the
    charts."""
    sections = [
        ("resumen", _("1. Resumen del mes")),
        ("departamentos", _("2. Casos por departamento")),
        ("tipologia", _("3. Casos por tipo")),
        ("fases", _("4. Casos activos por fase")),
        ("dialogo", _("5. Casos en diálogo")),
        ("protestas", _("6. Acciones colectivas de protesta")),
        ("victimas", _("7. Muertos y heridos")),
        ("pcm", _("8. Las mismas cifras con la metodología de la PCM")),
        ("h-equivalencias", _("Equivalencias entre ambas metodologías")),
        ("listas", _("9. Casos nuevos, reactivados y resueltos")),
        ("fichas", _("10. Fichas de los casos")),
        ("definiciones", _("11. Definiciones")),
    ]
    if with_charts:
        sections.append(("graficos", _("12. Gráficos")))
    return sections


def chart_images(specs: list[Spec]) -> list[tuple[str, str]]:
    """(title, data: URL of the SVG) of each chart, drawn by vl-convert (``charts.render_svg``):
    WeasyPrint keeps them as vectors."""
    images = []
    for spec in specs:
        title = spec.get("title")
        text = title.get("text", "") if isinstance(title, dict) else str(title or "")
        svg = render_svg(spec)
        images.append(
            (text, "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode())
        )
    return images


def render_pdf(
    figures: MonthlyFigures, *, status_label: str, charts: list[Spec] | None = None
) -> bytes:
    """The PDF of a month's figures, in Spanish whatever the requester's language."""
    month = dt.date.fromisoformat(figures["month"] + "-01")
    with translation.override("es"):
        context: dict[str, Any] = {
            "figures": figures,
            "fiches": figures["fiches"][:MAX_PDF_FICHES],
            "fiches_hidden": max(0, len(figures["fiches"]) - MAX_PDF_FICHES),
            "month_label": month_label(month),
            "status_label": status_label,
            "as_of": dt.datetime.fromisoformat(figures["as_of"]),
            "toc": table_of_contents(with_charts=bool(charts)),
            "charts": chart_images(charts or []),
        }
        html = render_to_string("reports/monthly_pdf.html", context)
    stylesheet = finders.find(PRINT_CSS)
    if not isinstance(stylesheet, str):
        raise RuntimeError(f"static file {PRINT_CSS} not found")
    document = HTML(string=html).render(stylesheets=[CSS(filename=stylesheet)])
    pdf: bytes = document.write_pdf()
    return pdf
