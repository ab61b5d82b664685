"""The demo data set: invented institutions, logins, themes, case histories and sixty cases.

Everything here is invented. Companies and organisations carry "Ficticia", "Imaginaria" or
"Inventada" in their names so nobody mistakes them for real ones; places are real INEI districts
(picked by seed.py from the loaded territory), because a map of invented places would show
nothing.

The data lives in data/*.toml (edit those); loader.py reads and checks them into the frozen
specs of specs.py; seed.py turns them into records through the case services, and the
``seed_demo`` command runs it.
"""

from willaq.cases.demo.loader import MERGE_ACTION, DemoDataError, demo_data, load
from willaq.cases.demo.specs import (
    ActorSpec,
    CaseSpec,
    DemoData,
    DemoInstitution,
    Step,
    Theme,
)

# One shared password for every demo login; printed by `make run`. Never used in production:
# setup_willaq and seed_demo refuse to create demo data when WILLAQ_ENV is "production".
DEMO_PASSWORD = "demo-willaq-2026"  # noqa: S105

_DATA = demo_data()
SUPERUSER_EMAIL = _DATA.superuser_email
SUPERUSER_NAME = _DATA.superuser_name
ROLE_MAILBOX = _DATA.role_mailbox
INSTITUTIONS = _DATA.institutions
THEMES = _DATA.themes
STORIES = _DATA.stories
CASES = _DATA.cases
COMMON_SITES = _DATA.common_sites
AGREEMENT_SITES = _DATA.agreement_sites
NEWS_OUTLETS = _DATA.news_outlets
EVENT_SOURCES = _DATA.event_sources
GIVEN_NAMES = _DATA.given_names
FEMALE_GIVEN_NAMES = frozenset(_DATA.female_given_names)
SURNAMES = _DATA.surnames


def demo_email(institution_slug: str, role: str) -> str:
    return f"{ROLE_MAILBOX[role]}@{institution_slug}.demo"


__all__ = [
    "AGREEMENT_SITES",
    "CASES",
    "COMMON_SITES",
    "DEMO_PASSWORD",
    "EVENT_SOURCES",
    "FEMALE_GIVEN_NAMES",
    "GIVEN_NAMES",
    "INSTITUTIONS",
    "MERGE_ACTION",
    "NEWS_OUTLETS",
    "ROLE_MAILBOX",
    "STORIES",
    "SUPERUSER_EMAIL",
    "SUPERUSER_NAME",
    "SURNAMES",
    "THEMES",
    "ActorSpec",
    "CaseSpec",
    "DemoData",
    "DemoDataError",
    "DemoInstitution",
    "Step",
    "Theme",
    "demo_email",
    "load",
]
