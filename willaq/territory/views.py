"""Territory lookups for forms: dependent selects (department → province → district) and search.

Territory is public reference data: any signed-in user may read it, whatever their institution.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from willaq.territory import selectors
from willaq.territory.models import Level

SEARCH_LIMIT = 20
CODES_LIMIT = 50
# Error messages echo what the user sent: plain text, never HTML.
PLAIN_TEXT = "text/plain; charset=utf-8"


@require_GET
@login_required
def options(request: HttpRequest) -> HttpResponse:
    """`<option>`s of the units under `?parent=` (the departments when it is empty).

    For HTMX dependent selects, e.g. on the department select: `hx-get="{% url
    'territory:options' %}" hx-target="#id_province" hx-vals='js:{parent: this.value}'`.
    `?selected=<code>` marks one option as selected (when editing).
    """
    code = request.GET.get("parent", "").strip()
    parent = None
    if code:
        parent = selectors.get_by_code(code)
        if parent is None:
            message = _("Unidad territorial desconocida: %(code)s.") % {"code": code[:12]}
            return HttpResponseBadRequest(message, content_type=PLAIN_TEXT)
        if parent.level == Level.DISTRICT:
            message = _("Un distrito no tiene unidades territoriales menores.")
            return HttpResponseBadRequest(message, content_type=PLAIN_TEXT)
    return render(
        request,
        "territory/partials/options.html",
        {"units": selectors.children_of(parent), "selected": request.GET.get("selected", "")},
    )


@require_GET
@login_required
def search(request: HttpRequest) -> JsonResponse:
    """Units whose name starts with or contains `?q=` (accents and case ignored), at most 20;
    or, with `?codes=080701,080702`, those units in that order (at most 50; unknown codes are
    left out), so a page can name the codes a field already holds."""
    if "codes" in request.GET:
        codes = [c.strip() for c in request.GET["codes"].split(",") if c.strip()]
        units = selectors.by_codes(codes[:CODES_LIMIT])
    else:
        units = selectors.search(request.GET.get("q", ""), limit=SEARCH_LIMIT)
    return JsonResponse(
        [
            {"code": u.code, "name": u.name, "level": u.level, "full_name": u.full_name()}
            for u in units
        ],
        safe=False,
    )
