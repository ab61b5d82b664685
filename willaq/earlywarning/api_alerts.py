"""``GET /api/v1/alerts`` and ``GET /api/v1/alerts/{uuid}``: the alerts under the same access
rule as the pages (``access.visible_alerts``). Public alerts are read without credentials, as
their page and CAP document are; a restricted alert answers 404 to anyone outside its issuing
and recipient institutions. A wrong token still answers 401 (it is never read as anonymous)."""

from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from willaq.accounts.api import ApiTokenAuth, BrowserSessionAuth
from willaq.cases.api import Pagination
from willaq.core.schemas import OBJECT_READ_ERRORS, READ_ERRORS
from willaq.earlywarning import access
from willaq.earlywarning.models import Alert
from willaq.earlywarning.schemas_alerts import AlertFilters, AlertOut
from willaq.earlywarning.selectors_alerts import AlertFilters as Filters
from willaq.earlywarning.selectors_alerts import visible_filtered_alerts

router = Router(tags=["alertas"])


def anonymous_reader(request: HttpRequest) -> Any:
    """The last authenticator: a request that sends no credentials reads as an anonymous
    visitor (public alerts only); one that sends a bad token is refused by the others (401)."""
    if "HTTP_AUTHORIZATION" in request.META:
        return None
    return True


AUTH = [ApiTokenAuth(), BrowserSessionAuth(), anonymous_reader]


def _queryset(alerts: QuerySet[Alert]) -> QuerySet[Alert]:
    return alerts.select_related("institution", "references", "case").prefetch_related(
        "area_units", "recipients"
    )


@router.get(
    "/alerts",
    response={200: list[AlertOut], **READ_ERRORS},
    auth=AUTH,
    summary="Lista de alertas visibles",
)
@paginate(Pagination)
def list_alerts(request: HttpRequest, filters: Query[AlertFilters]) -> QuerySet[Alert]:
    """Public alerts to anyone; restricted ones to the issuing and recipient institutions.
    Every message is listed (originals, updates, cancellations), newest first."""
    data = filters.model_dump(exclude_none=True)
    if "public" in data:
        data["is_public"] = data.pop("public")
    return _queryset(visible_filtered_alerts(request.user, Filters.from_data(data)))


@router.get(
    "/alerts/{alert_uuid}",
    response={200: AlertOut, **OBJECT_READ_ERRORS},
    auth=AUTH,
    summary="Detalle de una alerta (con el enlace a su documento CAP)",
)
def get_alert(request: HttpRequest, alert_uuid: UUID) -> Alert:
    alert = access.get_alert_for_user(request.user, alert_uuid)
    found = _queryset(Alert.objects.filter(pk=alert.pk)).first()
    assert found is not None
    return found
