"""The reports' API: monthly figures, map data and open-data exports under /api/v1/."""

from ninja import Router

router = Router(tags=["reportes"])
