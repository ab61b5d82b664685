"""Every page carries a strict Content-Security-Policy, and no template needs it loosened."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

TEMPLATE_DIRS = [
    Path(settings.BASE_DIR) / "templates",
    *Path(settings.BASE_DIR).glob("willaq/*/templates"),
]
# Inline code and styles the policy refuses (e-mails are not pages: mail clients need inline CSS).
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>|<style\b|\son[a-z]+=|\sstyle=",
    re.IGNORECASE,
)


def templates() -> list[Path]:
    return sorted(
        path
        for directory in TEMPLATE_DIRS
        for path in directory.rglob("*.html")
        if "emails" not in path.parts
    )


def test_no_template_has_inline_scripts_handlers_or_styles() -> None:
    found = [
        f"{path.relative_to(settings.BASE_DIR)}: {match.group(0).strip()}"
        for path in templates()
        for match in INLINE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert len(templates()) > 20
    assert found == []


@pytest.mark.django_db
def test_pages_carry_the_policy(anon_client: Client, analyst_client: Client) -> None:
    for client, path in ((anon_client, "/cuentas/entrar/"), (analyst_client, "/")):
        policy = client.get(path)["Content-Security-Policy"]
        directives = dict(
            [*part.split(" ", 1), ""][:2] for part in (p.strip() for p in policy.split(";")) if part
        )
        assert directives["default-src"] == "'self'"
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'"
        assert "unsafe" not in policy
