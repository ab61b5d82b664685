"""The stakeholder map of a case: the page (graph drawn by static/js/stakeholder-map.js from the
API), its GraphML and CSV downloads, an actor's profile, and the relations' forms.

Every surface reads ``selectors.stakeholder_map`` (the map of one date as the user may see it,
relation notes redacted by ``access.hidden_relation_fields``) and writes through ``services``.
"""

import csv
import datetime as dt
import io
from uuid import UUID

import networkx as nx
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from willaq.accounts.models import User
from willaq.cases import selectors, services
from willaq.cases.access import (
    CaseAccess,
    can_edit_actor_link,
    can_edit_relation,
    get_actor_link_for_user,
    get_case_for_user,
    get_relation_for_user,
    redact_relation,
    visible_relations,
)
from willaq.cases.choices import Attitude, RelationKind
from willaq.cases.forms import (
    MapDateForm,
    RelationChangeForm,
    RelationEndForm,
    RelationForm,
    StakeholderProfileForm,
    apply_service_errors,
)
from willaq.cases.models import Case, CaseActor, StakeholderRelation
from willaq.cases.views.common import GET_POST, case_for_records, record_page, signed_in_user


def map_url(case: Case, as_of: dt.date | None = None) -> str:
    url = reverse("cases:stakeholder_map", kwargs={"case_uuid": case.uuid})
    return f"{url}?as_of={as_of.isoformat()}" if as_of else url


def _as_of(request: HttpRequest) -> tuple[MapDateForm, dt.date]:
    """The map's date from ``?as_of=`` (today when empty or wrong; the form shows the error)."""
    form = MapDateForm(request.GET or None)
    if form.is_bound and form.is_valid() and form.cleaned_data["as_of"]:
        return form, form.cleaned_data["as_of"]
    return form, timezone.localdate()


def _actor_choices(case: Case) -> list[tuple[str, str]]:
    links = CaseActor.objects.filter(case=case).select_related("actor").order_by("actor__name")
    return [(str(link.actor.uuid), link.actor.name) for link in links]


@login_required
@require_GET
def map_page(request: HttpRequest, case_uuid: UUID) -> HttpResponse:
    """The map on a date: graph, legend, actors, the relations of every date (those in force
    on the map's date marked), and the forms for editors."""
    user = signed_in_user(request)
    case = get_case_for_user(user, case_uuid)
    date_form, as_of = _as_of(request)
    stakeholder_map = selectors.stakeholder_map(user, case, as_of)
    access = CaseAccess.for_user(user, case)
    relations = []
    for relation in visible_relations(user, case).order_by("start_date", "pk"):
        shown = redact_relation(user, relation)
        shown.user_can_edit = can_edit_relation(user, relation)  # type: ignore[attr-defined]
        shown.in_force = relation.active_on(as_of)  # type: ignore[attr-defined]
        relations.append(shown)
    links = CaseActor.objects.filter(case=case).select_related("actor", "institution")
    editable_profiles = [link for link in links if can_edit_actor_link(user, link)]
    relation_form = (
        RelationForm(actors=_actor_choices(case), initial={"start_date": as_of})
        if access.can_add_records
        else None
    )
    return render(
        request,
        "cases/stakeholder_map.html",
        {
            "case": case,
            "access": access,
            "map": stakeholder_map,
            "as_of": as_of,
            "as_of_iso": as_of.isoformat(),  # for the API and download links (not shown)
            "is_today": as_of == timezone.localdate(),
            "date_form": date_form,
            "relations": relations,
            "relation_form": relation_form,
            "editable_profiles": editable_profiles,
            "relation_kinds": RelationKind.choices,
            "attitudes": Attitude.choices,
        },
    )


def graphml(stakeholder_map: selectors.StakeholderMap) -> bytes:
    """The map as an undirected GraphML multigraph (networkx's writer, read by Gephi, yEd,
    networkx and igraph); an edge's key is the relation's uuid (two institutions may each relate
    the same pair: parallel edges). GraphML holds no empty values: an attribute the actor lacks,
    or a note the user may not read, is left out. ``interest`` is the actor's interest level."""
    graph = nx.MultiGraph(id=f"as_of_{stakeholder_map.as_of.isoformat()}")

    def present(values: dict[str, object]) -> dict[str, object]:
        return {k: v for k, v in values.items() if v not in (None, "")}

    for node in stakeholder_map.nodes:
        graph.add_node(
            node.uuid,
            **present(
                {
                    "label": node.name,
                    "kind": node.kind,
                    "organisation_type": node.organisation_type,
                    "role": node.role,
                    "conflict_role": node.conflict_role,
                    "influence": node.influence,
                    "interest": node.interest_level,
                    "attitude": node.attitude,
                    "linked_by": node.linked_by,
                }
            ),
        )
    for edge in stakeholder_map.edges:
        graph.add_edge(
            edge.source,
            edge.target,
            key=edge.uuid,
            id=edge.uuid,
            **present(
                {
                    "kind": edge.kind,
                    "label": edge.kind_label,
                    "start_date": edge.start_date.isoformat(),
                    "end_date": edge.end_date.isoformat() if edge.end_date else None,
                    "institution": edge.institution,
                    "note": edge.note,
                }
            ),
        )
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


def _download_name(case: Case, as_of: dt.date, extension: str) -> str:
    return f"mapa-de-actores-{case.display_code}-{as_of.isoformat()}.{extension}"


@login_required
@require_GET
def map_graphml(request: HttpRequest, case_uuid: UUID) -> HttpResponse:
    """The map of ``?as_of=`` (today by default) as GraphML, for Gephi, yEd or networkx."""
    user = signed_in_user(request)
    case = get_case_for_user(user, case_uuid)
    _form, as_of = _as_of(request)
    body = graphml(selectors.stakeholder_map(user, case, as_of))
    response = HttpResponse(body, content_type="application/graphml+xml")
    response["Content-Disposition"] = (
        f'attachment; filename="{_download_name(case, as_of, "graphml")}"'
    )
    return response


CSV_HEADER = [
    "elemento",
    "id",
    "actor",
    "otro_actor",
    "tipo",
    "rol",
    "influencia",
    "interes",
    "actitud",
    "desde",
    "hasta",
    "institucion",
    "nota",
]


@login_required
@require_GET
def map_csv(request: HttpRequest, case_uuid: UUID) -> HttpResponse:
    """The map of ``?as_of=`` as one CSV table: a row per actor, then a row per relation."""
    user = signed_in_user(request)
    case = get_case_for_user(user, case_uuid)
    _form, as_of = _as_of(request)
    stakeholder_map = selectors.stakeholder_map(user, case, as_of)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_download_name(case, as_of, "csv")}"'
    response.write("\ufeff")  # spreadsheets read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for node in stakeholder_map.nodes:
        writer.writerow(
            [
                "actor",
                node.uuid,
                node.name,
                "",
                "",
                node.role_label,
                node.influence or "",
                node.interest_level or "",
                node.attitude_label,
                "",
                "",
                node.linked_by,
                "",
            ]
        )
    for edge in stakeholder_map.edges:
        writer.writerow(
            [
                "relación",
                edge.uuid,
                edge.source_name,
                edge.target_name,
                edge.kind_label,
                "",
                "",
                "",
                "",
                edge.start_date.isoformat(),
                edge.end_date.isoformat() if edge.end_date else "",
                edge.institution,
                edge.note or "",
            ]
        )
    return response


@login_required
@require_http_methods(GET_POST)
def profile_edit(request: HttpRequest, case_uuid: UUID, actor_uuid: UUID) -> HttpResponse:
    """An actor's profile on the map: only the institution that linked the actor."""
    user = signed_in_user(request)
    link = get_actor_link_for_user(user, case_uuid, actor_uuid)
    if not can_edit_actor_link(user, link):
        raise PermissionDenied(
            _("Solo la institución que vinculó a este actor puede modificar su perfil.")
        )
    initial = {
        "conflict_role": link.conflict_role,
        "interests": link.interests,
        "position": link.position,
        "influence": link.influence,
        "interest_level": link.interest_level,
        "attitude": link.attitude,
    }
    form = StakeholderProfileForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_stakeholder_profile(
                user=user,
                link=link,
                profile=services.ProfileInput(
                    conflict_role=data["conflict_role"] or "",
                    interests=data["interests"] or "",
                    position=data["position"] or "",
                    influence=data["influence"],
                    interest_level=data["interest_level"],
                    attitude=data["attitude"] or "",
                ),
                at=services.effective_moment(data["effective_date"]),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, _("Perfil de «%(name)s» actualizado.") % {"name": link.actor.name}
            )
            return redirect(map_url(link.case))
    return record_page(
        request,
        link.case,
        form,
        _("Perfil de «%(name)s» en el mapa de actores") % {"name": link.actor.name},
        cancel_url=map_url(link.case),
    )


@login_required
@require_http_methods(GET_POST)
def relation_add(request: HttpRequest, case_uuid: UUID) -> HttpResponse:
    """Record a relation between two actors of the case, for the user's institution."""
    user = signed_in_user(request)
    case = case_for_records(user, case_uuid)
    actors = _actor_choices(case)
    form = RelationForm(request.POST if request.method == "POST" else None, actors=actors)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        by_uuid = {
            str(link.actor.uuid): link.actor
            for link in CaseActor.objects.filter(case=case).select_related("actor")
        }
        try:
            relation = services.record_relation(
                user=user,
                case=case,
                data=services.RelationInput(
                    source=by_uuid.get(data["source"]),
                    target=by_uuid.get(data["target"]),
                    kind=data["kind"],
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    note=data["note"] or "",
                ),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Relación registrada."))
            return redirect(map_url(case, relation.start_date))
    return record_page(
        request,
        case,
        form,
        _("Nueva relación entre actores"),
        cancel_url=map_url(case),
        action=reverse("cases:relation_add", kwargs={"case_uuid": case.uuid}),
    )


def _relation_for_edit(user: User, case_uuid: UUID, relation_uuid: UUID) -> StakeholderRelation:
    relation = get_relation_for_user(user, case_uuid, relation_uuid)
    if not can_edit_relation(user, relation):
        raise PermissionDenied(
            _("Solo la institución que registró esta relación puede modificarla.")
        )
    return relation


def _relation_title(relation: StakeholderRelation) -> str:
    return _("%(a)s — %(b)s: %(kind)s desde %(start)s") % {
        "a": relation.source.name,
        "b": relation.target.name,
        "kind": relation.get_kind_display(),
        "start": relation.start_date.strftime("%d/%m/%Y"),
    }


@login_required
@require_http_methods(GET_POST)
def relation_change(request: HttpRequest, case_uuid: UUID, relation_uuid: UUID) -> HttpResponse:
    """From a date on, the relation is of another kind."""
    user = signed_in_user(request)
    relation = _relation_for_edit(user, case_uuid, relation_uuid)
    form = RelationChangeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            successor = services.change_relation_kind(
                user=user,
                relation=relation,
                kind=data["kind"],
                on=data["on"],
                note=data["note"] or None,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Tipo de relación cambiado."))
            return redirect(map_url(relation.case, successor.start_date))
    return record_page(
        request,
        relation.case,
        form,
        _("Cambiar el tipo de la relación"),
        cancel_url=map_url(relation.case),
        subtitle=_relation_title(relation),
    )


@login_required
@require_http_methods(GET_POST)
def relation_end(request: HttpRequest, case_uuid: UUID, relation_uuid: UUID) -> HttpResponse:
    """The relation lasted until a date."""
    user = signed_in_user(request)
    relation = _relation_for_edit(user, case_uuid, relation_uuid)
    form = RelationEndForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.end_relation(
                user=user, relation=relation, end_date=form.cleaned_data["end_date"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Relación terminada."))
            return redirect(map_url(relation.case))
    return record_page(
        request,
        relation.case,
        form,
        _("Terminar la relación"),
        cancel_url=map_url(relation.case),
        subtitle=_relation_title(relation),
    )


@login_required
@require_POST
def relation_remove(request: HttpRequest, case_uuid: UUID, relation_uuid: UUID) -> HttpResponse:
    """Remove a relation recorded by mistake (the page asks to confirm)."""
    user = signed_in_user(request)
    relation = _relation_for_edit(user, case_uuid, relation_uuid)
    case = relation.case
    services.remove_relation(user=user, relation=relation)
    messages.success(request, _("Relación eliminada."))
    return redirect(map_url(case))
