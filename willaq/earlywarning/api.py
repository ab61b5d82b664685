"""Early warning's API under /api/v1/: pre-alerts (POST with Idempotency-Key, GET with filters),
alerts, deployment orders. The same access rule as the pages (willaq.earlywarning.access)."""

from ninja import Router

router = Router(tags=["alerta temprana"])

# --- smsapi: pre-alerts (POST with Idempotency-Key, GET with filters) ---
from willaq.earlywarning.api_prealerts import router as prealerts_router  # noqa: E402

router.add_router("/", prealerts_router)
# --- end smsapi ---
