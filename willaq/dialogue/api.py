"""Dialogue's API under /api/v1/: spaces, sessions, actas and commitments, with the pages'
access rule (willaq.dialogue.access). One router per subject, mounted here."""

from ninja import Router

from willaq.dialogue.api_commitments import router as commitments_router
from willaq.dialogue.api_spaces import router as spaces_router

router = Router(tags=["diálogo"])
router.add_router("/", spaces_router)
router.add_router("/", commitments_router)
