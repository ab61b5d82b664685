"""Schemas shared by every router of API v1: the one error body and the error responses each kind
of operation documents.

config/api.py answers every error with this body (see its exception handlers); a router lists
the statuses an operation can return with the dicts below, so the OpenAPI document has one
ErrorOut and a schema-driven client meets no undocumented status.
"""

from ninja import Field, Schema


class ErrorOut(Schema):
    """Every error response: a sentence, and the messages of each field when a field is at fault."""

    detail: str = Field(description="Mensaje del error, legible por una persona.")
    errors: dict[str, list[str]] | None = Field(
        None, description="Mensajes por campo, cuando el error se debe a campos concretos."
    )


ErrorResponses = dict[int, type[ErrorOut]]

# Errors every authenticated operation may answer: an unreadable request (400), no or a bad
# credential (401), and parameters or a body that do not validate (422).
COMMON_ERRORS: ErrorResponses = {400: ErrorOut, 401: ErrorOut, 422: ErrorOut}
READ_ERRORS: ErrorResponses = COMMON_ERRORS
OBJECT_READ_ERRORS: ErrorResponses = COMMON_ERRORS | {404: ErrorOut}
WRITE_ERRORS: ErrorResponses = COMMON_ERRORS | {403: ErrorOut}
OBJECT_WRITE_ERRORS: ErrorResponses = COMMON_ERRORS | {403: ErrorOut, 404: ErrorOut}
