"""Early warning's API under /api/v1/: pre-alerts (POST with Idempotency-Key, GET with filters),
alerts, deployment orders. The same access rule as the pages (willaq.earlywarning.access).
One router per subject, mounted here."""

from ninja import Router

from willaq.earlywarning.api_alerts import router as alerts_router
from willaq.earlywarning.api_orders import router as orders_router
from willaq.earlywarning.api_prealerts import router as prealerts_router

router = Router(tags=["alerta temprana"])
router.add_router("/", prealerts_router)
router.add_router("/", alerts_router)
router.add_router("/", orders_router)
