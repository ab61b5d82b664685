"""Early warning's API under /api/v1/: pre-alerts (POST with Idempotency-Key, GET with filters),
alerts, deployment orders. The same access rule as the pages (willaq.earlywarning.access)."""

from ninja import Router

from willaq.earlywarning.api_alerts import router as alerts_router  # alerts

router = Router(tags=["alerta temprana"])
router.add_router("/", alerts_router)  # alerts
