"""API v1: one NinjaAPI, one router per app, personal-token or session authentication."""

from ninja import NinjaAPI

from willaq.accounts.api import ApiTokenAuth, SessionAuth
from willaq.accounts.api import router as accounts_router
from willaq.cases.api import router as cases_router
from willaq.territory.api import router as territory_router

api = NinjaAPI(
    title="Willaq API",
    version="1",
    description="Registro compartido de conflictos sociales. Autenticación: `Authorization: Bearer <token>`.",
    auth=[ApiTokenAuth(), SessionAuth()],
    urls_namespace="api",
)
api.add_router("/accounts", accounts_router)
api.add_router("/territory", territory_router)
api.add_router("/", cases_router)
