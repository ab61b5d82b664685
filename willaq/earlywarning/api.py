"""Early warning's API under /api/v1/: pre-alerts (POST with Idempotency-Key, GET with filters),
alerts, deployment orders. The same access rule as the pages (willaq.earlywarning.access)."""

from ninja import Router

router = Router(tags=["alerta temprana"])
