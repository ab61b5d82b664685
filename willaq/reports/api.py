"""The reports' API: monthly figures, map data and open-data exports under /api/v1/."""

from ninja import Router

router = Router(tags=["reportes"])

# The map (report-map): GET /map.
from willaq.reports.map_api import router as map_router  # noqa: E402

router.add_router("", map_router)
