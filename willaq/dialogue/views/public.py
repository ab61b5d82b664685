"""The public page of a dialogue space (no login) and the compliance boards (signed in).

- ``/dialogo/publico/``: the spaces their convening institution made public, paginated.
- ``/dialogo/publico/<space_uuid>/``: one public space (404 unless ``is_public``) with its
  participants (names only), sessions (dates and places), actas (title, date, signatories) and
  every commitment with its responsible parties, due date, state, overdue, progress, money and
  evidence links. Never a confidential field (``access.CONFIDENTIAL_FIELDS``): the objects are
  redacted as for an outsider before the template sees them, and the template names none.
- ``/dialogo/publico/evidencias/<evidence_uuid>/``: an evidence file of a public space.
- ``/dialogo/cumplimiento/``: who owes what and what is late, by institution, department and
  case; ``…/instituciones/<slug>/`` and ``…/casos/<case_uuid>/`` list the commitments, late
  first. Same rule as every page: ``access.visible_commitments``; a case only if the viewer
  sees it.
"""

from uuid import UUID

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet, Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from willaq.accounts.models import Institution
from willaq.cases.access import get_case_for_user, redacted, visible_cases
from willaq.cases.views.common import signed_in_user
from willaq.dialogue import access, boards, clock
from willaq.dialogue.choices import SessionState, SpaceKind
from willaq.dialogue.models import (
    Acta,
    Commitment,
    CommitmentEvidence,
    DialogueSession,
    DialogueSpace,
    Participant,
)
from willaq.dialogue.selectors import rollup

PAGE_SIZE = 20
COMMITMENT_PAGE_SIZE = 50


def _is_htmx_partial(request: HttpRequest) -> bool:
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


# The public list's filters (kept beside their only view: the other parts own forms.py).
class PublicSpaceFilterForm(forms.Form):
    q = forms.CharField(label=_("Buscar"), required=False, max_length=100)
    tipo = forms.ChoiceField(
        label=_("Tipo de espacio"),
        required=False,
        choices=[("", _("Todos")), *SpaceKind.choices],
    )


@require_GET
def public_spaces(request: HttpRequest) -> HttpResponse:
    """The public spaces, newest first (no login)."""
    form = PublicSpaceFilterForm(request.GET)
    found = access.public_spaces().select_related("institution", "place")
    if form.is_valid():
        if form.cleaned_data["q"]:
            found = found.filter(name__icontains=form.cleaned_data["q"])
        if form.cleaned_data["tipo"]:
            found = found.filter(kind=form.cleaned_data["tipo"])
    page = Paginator(found.order_by("-start_date", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rollups = boards.rollup_by(
        access.public_commitments().filter(space__in=[s.pk for s in page.object_list]),
        boards.BY_SPACE,
    )
    rows = [(space, boards.rollup_for(rollups, space.pk)) for space in page.object_list]
    context = {"form": form, "page": page, "rows": rows}
    template = (
        "dialogue/partials/public_space_rows.html"
        if _is_htmx_partial(request)
        else "dialogue/public_spaces.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _public_commitments(space: DialogueSpace) -> list[Commitment]:
    hidden = access.CONFIDENTIAL_FIELDS
    found = (
        space.commitments.select_related("acta")
        .annotate(
            amount_verified=Sum(
                "evidence__amount_executed", filter=Q(evidence__verified_at__isnull=False)
            )
        )
        .prefetch_related(
            Prefetch("responsible", queryset=Participant.objects.order_by("name")),
            Prefetch("evidence", queryset=CommitmentEvidence.objects.order_by("created_at", "id")),
        )
        .order_by("acta__signed_on", "acta_id", "number")
    )
    listed: list[Commitment] = []
    for commitment in found:
        clean = redacted(commitment, hidden)
        clean.public_evidence = [redacted(e, hidden) for e in commitment.evidence.all()]  # type: ignore[attr-defined]
        listed.append(clean)
    return listed


@require_GET
def public_space(request: HttpRequest, space_uuid: UUID) -> HttpResponse:
    """One public space, as anyone may read it: nothing confidential."""
    space = access.get_public_space(space_uuid)
    hidden = access.CONFIDENTIAL_FIELDS
    participants = [redacted(p, hidden) for p in space.participants.order_by("name", "id")]
    sessions: QuerySet[DialogueSession] = space.sessions.exclude(
        state=SessionState.CANCELLED
    ).order_by("starts_at", "id")
    actas: QuerySet[Acta] = (
        Acta.objects.filter(session__space=space)
        .prefetch_related(Prefetch("signatories", queryset=Participant.objects.order_by("name")))
        .order_by("signed_on", "id")
    )
    return render(
        request,
        "dialogue/public_space.html",
        {
            "space": redacted(space, hidden),
            "parent": space.parent if space.parent_id and space.parent.is_public else None,  # type: ignore[union-attr]
            "participants": participants,
            "sessions": [
                {"starts_at": s.starts_at, "ends_at": s.ends_at, "place": s.place} for s in sessions
            ],
            "actas": [redacted(a, hidden) for a in actas],
            "commitments": _public_commitments(space),
            "total": rollup(space.commitments.all()),
            "today": clock.today(),
        },
    )


@require_GET
def public_evidence_file(request: HttpRequest, evidence_uuid: UUID) -> FileResponse:
    """An evidence file of a public space; 404 for any other (its existence is not revealed)."""
    evidence = access.get_public_evidence(evidence_uuid)
    if not evidence.file:
        raise Http404("evidence file")
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("evidence file") from exc
    return FileResponse(
        handle, as_attachment=True, filename=str(evidence.file.name).rsplit("/", 1)[-1]
    )


# --- compliance boards --------------------------------------------------------------------------


@login_required
@require_GET
def compliance(request: HttpRequest) -> HttpResponse:
    """What each institution owes and what is late; by department; by the cases the viewer
    sees."""
    user = signed_in_user(request)
    commitments = access.visible_commitments(user)
    institutions = boards.institution_board(commitments)
    return render(
        request,
        "dialogue/board_compliance.html",
        {
            "institutions": institutions,
            "departments": boards.department_board(commitments),
            "cases": boards.case_board(commitments, visible_cases(user)),
            "total": rollup(commitments),
        },
    )


def _commitment_page(request: HttpRequest, commitments: QuerySet[Commitment]) -> object:
    listed = boards.late_first(
        commitments.select_related("space", "acta").prefetch_related(
            Prefetch("responsible", queryset=Participant.objects.order_by("name"))
        )
    )
    return Paginator(listed, COMMITMENT_PAGE_SIZE).get_page(request.GET.get("page"))


def _render_board_list(
    request: HttpRequest, template: str, context: dict[str, object]
) -> HttpResponse:
    if _is_htmx_partial(request):
        template = "dialogue/partials/board_commitment_rows.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def compliance_institution(request: HttpRequest, slug: str) -> HttpResponse:
    """What one institution owes, late first."""
    user = signed_in_user(request)
    institution = get_object_or_404(Institution, slug=slug, is_active=True)
    owed = access.visible_commitments(user).filter(
        pk__in=Commitment.objects.filter(responsible__institution=institution).values("pk")
    )
    return _render_board_list(
        request,
        "dialogue/board_institution.html",
        {
            "institution": institution,
            "total": rollup(owed),
            "page": _commitment_page(request, owed),
            "today": clock.today(),
        },
    )


@login_required
@require_GET
def compliance_case(request: HttpRequest, case_uuid: UUID) -> HttpResponse:
    """The commitments of the spaces linked to a case the viewer sees, late first."""
    user = signed_in_user(request)
    case = get_case_for_user(user, case_uuid)
    owed = access.visible_commitments(user).filter(space__cases=case)
    by_space = boards.rollup_by(owed, boards.BY_SPACE)
    spaces = access.visible_spaces(user).filter(pk__in=list(by_space)).order_by("name")
    return _render_board_list(
        request,
        "dialogue/board_case.html",
        {
            "case": case,
            "total": rollup(owed),
            "spaces": [(space, by_space[space.pk]) for space in spaces],
            "page": _commitment_page(request, owed),
            "today": clock.today(),
        },
    )


urlpatterns: list[URLPattern] = [
    path("dialogo/publico/", public_spaces, name="public_spaces"),
    path("dialogo/publico/<uuid:space_uuid>/", public_space, name="public_space"),
    path(
        "dialogo/publico/evidencias/<uuid:evidence_uuid>/",
        public_evidence_file,
        name="public_evidence_file",
    ),
    path("dialogo/cumplimiento/", compliance, name="compliance"),
    path(
        "dialogo/cumplimiento/instituciones/<slug:slug>/",
        compliance_institution,
        name="compliance_institution",
    ),
    path("dialogo/cumplimiento/casos/<uuid:case_uuid>/", compliance_case, name="compliance_case"),
]
