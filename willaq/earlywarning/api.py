"""Early warning's API under /api/v1/: pre-alerts (POST with Idempotency-Key, GET with filters),
alerts, deployment orders. The same access rule as the pages (willaq.earlywarning.access)."""

from ninja import Router

router = Router(tags=["alerta temprana"])

# Response: deployment orders, /api/v1/orders (willaq.earlywarning.api_orders)
from willaq.earlywarning.api_orders import router as orders_router  # noqa: E402

router.add_router("/", orders_router)
