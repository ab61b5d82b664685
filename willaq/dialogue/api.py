"""Dialogue's API under /api/v1/: spaces, sessions, actas and commitments, with the pages'
access rule (willaq.dialogue.access)."""

from ninja import Router

router = Router(tags=["diálogo"])
