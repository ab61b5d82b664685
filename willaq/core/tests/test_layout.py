"""The frame every page shares (templates/base.html, static/css/willaq.css, static/js) and the
formats every template uses: landmarks, skip link, favicon, no inline scripts (a
Content-Security-Policy allows only files from /static/), colour contrast computed from the CSS,
es-PE numbers and the one date format."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils.translation import override

BASE_DIR = Path(settings.BASE_DIR)
CSS = BASE_DIR / "static" / "css" / "willaq.css"
TEMPLATES = sorted(
    [*BASE_DIR.glob("templates/**/*.html"), *BASE_DIR.glob("willaq/*/templates/**/*.html")]
)


# --- colour contrast (WCAG 2.1) ----------------------------------------------------------


def _top_level_rules(css: str) -> list[tuple[str, dict[str, str]]]:
    """(selector, declarations) of every rule outside @media blocks."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rules: list[tuple[str, dict[str, str]]] = []
    depth, start, selector = 0, 0, ""
    for index, char in enumerate(css):
        if char == "{":
            if depth == 0:
                selector = css[start:index].strip()
                start = index + 1
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                if not selector.startswith("@"):
                    body = css[start:index]
                    declarations = {
                        name.strip(): value.strip()
                        for name, _, value in (d.partition(":") for d in body.split(";"))
                        if value.strip()
                    }
                    rules.append((selector, declarations))
                start = index + 1
    return rules


def _colour(value: str, variables: dict[str, str]) -> str:
    value = value.replace("!important", "").strip()
    match = re.fullmatch(r"var\((--[\w-]+)\)", value)
    return variables[match.group(1)] if match else value


def _luminance(colour: str) -> float:
    hex_digits = colour.lstrip("#")
    if len(hex_digits) == 3:
        hex_digits = "".join(c * 2 for c in hex_digits)
    channels = [int(hex_digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.fixture(scope="module")
def stylesheet() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    rules = _top_level_rules(CSS.read_text(encoding="utf-8"))
    variables = next(declarations for selector, declarations in rules if selector == ":root")
    by_selector: dict[str, dict[str, str]] = {}
    for selector, declarations in rules:
        for one in selector.split(","):
            by_selector.setdefault(one.strip(), {}).update(declarations)
    return variables, by_selector


def test_contrast_of_known_pairs() -> None:
    assert contrast("#000", "#fff") == pytest.approx(21)
    assert contrast("#777", "#fff") == pytest.approx(4.48, abs=0.01)


def test_the_latent_badge_reads_at_4_5_to_1(stylesheet: Any) -> None:
    variables, rules = stylesheet
    latent = rules[".badge-latent"]
    ratio = contrast(_colour(latent["color"], variables), _colour(latent["background"], variables))
    assert ratio >= 4.5


def test_every_state_badge_reads_at_4_5_to_1(stylesheet: Any) -> None:
    variables, rules = stylesheet
    badges = [s for s in rules if re.fullmatch(r"\.badge-[\w-]+", s)]
    assert len(badges) >= 6  # active, latent, resolved, draft, proposed, confidential
    plain = rules[".badge"]["background"]  # states without a colour of their own
    weak = [] if contrast(variables["--fg"], plain) >= 4.5 else [".badge"]
    for selector in badges:
        background = _colour(rules[selector].get("background", plain), variables)
        foreground = _colour(rules[selector].get("color", variables["--fg"]), variables)
        if contrast(foreground, background) < 4.5:
            weak.append(selector)
    assert not weak


@pytest.mark.parametrize(
    ("foreground", "background"),
    [("--muted", "--bg"), ("--muted", "--card"), ("--accent", "--card"), ("#fff", "--accent")],
)
def test_text_colours_read_at_4_5_to_1(stylesheet: Any, foreground: str, background: str) -> None:
    variables, _rules = stylesheet
    ratio = contrast(variables.get(foreground, foreground), variables.get(background, background))
    assert ratio >= 4.5


# --- the page frame ----------------------------------------------------------------------


def test_landmarks_skip_link_and_favicon(analyst_client: Client, settings: Any) -> None:
    settings.WILLAQ_DEMO = True
    page = analyst_client.get(reverse("cases:list")).content.decode()
    for landmark in ("<header", "<nav", "<main", "<footer"):
        assert page.count(landmark) >= 1, landmark
    assert page.count('<main class="container" id="contenido" tabindex="-1">') == 1
    # The skip link comes first and leads to the main content.
    body = page[page.index("<body") :]
    assert body.index('href="#contenido"') < body.index("<header")
    assert "Saltar al contenido" in body
    # The demo banner is a labelled region, not loose text outside every landmark.
    assert page.count('class="demo-banner" role="region" aria-label="Aviso de demostración"') == 1
    assert page.count('rel="icon" href="/static/favicon.svg" type="image/svg+xml"') == 1


def test_the_favicon_is_an_svg(anon_client: Client) -> None:
    root = ElementTree.parse(BASE_DIR / "static" / "favicon.svg").getroot()  # noqa: S314 (ours)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert anon_client.get("/static/favicon.svg").status_code == 200


def test_the_top_menu_folds_into_a_details_element(analyst_client: Client) -> None:
    page = analyst_client.get(reverse("cases:dashboard")).content.decode()
    menu = page[page.index('<details class="menu"') : page.index("</details>")]
    assert menu.count('<summary class="menu-button">') == 1
    assert menu.count('<nav class="mainnav"') == 1
    assert '<details class="menu" data-open-wide>' in page  # closed until willaq.js opens it


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(BASE_DIR)))
def test_no_inline_script_or_event_handler(template: Path) -> None:
    source = template.read_text(encoding="utf-8")
    assert not re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", source)
    assert not re.findall(r"\son[a-z]+\s*=", source)


# --- numbers and dates -------------------------------------------------------------------


NUMBERS = Template("{{ count }} · {{ amount }} · {{ small }}")


@pytest.mark.parametrize("language", ["es", "en"])
def test_numbers_group_thousands_as_peru_writes_them(language: str) -> None:
    with override(language):
        text = NUMBERS.render(
            Context({"count": 20000, "amount": Decimal("1234567.50"), "small": 999})
        )
    assert text == "20,000 · 1,234,567.50 · 999"


@pytest.mark.parametrize(
    ("language", "date", "moment"),
    [("es", "2 abr 2025", "2 abr 2025, 09:30"), ("en", "2 Apr 2025", "2 Apr 2025, 09:30")],
)
def test_one_date_format_per_language(language: str, date: str, moment: str) -> None:
    template = Template('{{ day|date }} · {{ day }} · {{ when|date:"DATETIME_FORMAT" }}')
    when = dt.datetime(2025, 4, 2, 14, 30, tzinfo=dt.UTC)  # 09:30 in Lima
    with override(language):
        text = template.render(Context({"day": dt.date(2025, 4, 2), "when": when}))
    assert text == f"{date} · {date} · {moment}"


def test_every_template_uses_the_shared_date_formats() -> None:
    """A date is written `|date` (DATE_FORMAT) or `|date:"DATETIME_FORMAT"`, never a format of
    its own (config/formats/<language>/formats.py holds them)."""
    own_formats = [
        f"{template.relative_to(BASE_DIR)}: {match.group(0)}"
        for template in TEMPLATES
        for match in re.finditer(
            r"\|(?:date|time):(\"[^\"]*\"|'[^']*'|\w+)", template.read_text(encoding="utf-8")
        )
        if match.group(1) != '"DATETIME_FORMAT"'
    ]
    assert not own_formats
    assert len(TEMPLATES) > 20
