from typing import Any

from django.conf import settings
from django.http import HttpRequest


def willaq(request: HttpRequest) -> dict[str, Any]:
    return {"WILLAQ_DEMO": settings.WILLAQ_DEMO}
