"""The access rule for early warning. Every view, endpoint, feed and export goes through here.

- **Pre-alerts** are first-hand intelligence: only the receiving institution's analysts,
  coordinators and admins read them (with the sender's identity and raw payload); a reporter
  reads the pre-alerts they sent (their outcome), nothing else. Other institutions see none:
  what they learn comes through the event or case a validated pre-alert became, under the
  cases' rule, or through an alert addressed to them.
- **Reporters** (the network) are seen and managed inside their institution: analysts read the
  list, coordinators and admins change it.
- **Alerts**: a public alert is read by anyone, signed in or not (and is in the Atom feed); a
  restricted alert only by the members of the issuing institution and of its recipient
  institutions — anyone else gets 404. Coordinators issue, update and cancel their
  institution's alerts.
- **Deployment orders** are read by the members of the ordering and of the responsible
  institution; the responsible institution's editors and the team's members move them on;
  coordinators order.
"""

from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404

from willaq.accounts.access import (
    EDITOR_ROLES,
    AnyUser,
    has_role,
    institution_ids,
    institutions_with_role,
)
from willaq.accounts.models import Institution, Role
from willaq.earlywarning.models import Alert, DeploymentOrder, PreAlert, Reporter

# Who works the triage queue of their institution.
REVIEWER_ROLES = EDITOR_ROLES
# Who issues alerts and orders a response.
ISSUER_ROLES = frozenset({Role.COORDINATOR})
# Who manages the reporter network.
NETWORK_ROLES = frozenset({Role.COORDINATOR, Role.ADMIN})
# Who may send a pre-alert for an institution (besides a reporter profile of it).
SUBMITTER_ROLES = EDITOR_ROLES | {Role.REPORTER}


def _ids_with(user: AnyUser, roles: frozenset[str]) -> list[int]:
    return [i for i in institution_ids(user) if has_role(user, i, roles)]


# --- reporters ----------------------------------------------------------------------------------


def visible_reporters(user: AnyUser) -> QuerySet[Reporter]:
    return Reporter.objects.filter(institution_id__in=_ids_with(user, REVIEWER_ROLES))


def can_manage_reporters(user: AnyUser, institution: Institution) -> bool:
    return has_role(user, institution.pk, NETWORK_ROLES)


def network_institutions(user: AnyUser) -> QuerySet[Institution]:
    return institutions_with_role(user, NETWORK_ROLES)


def get_reporter_for_user(user: AnyUser, reporter_uuid: UUID | str) -> Reporter:
    reporter = visible_reporters(user).filter(uuid=reporter_uuid).first()
    if reporter is None:
        raise Http404("reporter")
    return reporter


# --- pre-alerts ---------------------------------------------------------------------------------


def submitting_institutions(user: AnyUser) -> QuerySet[Institution]:
    """The institutions the user may send pre-alerts to: where they hold a submitting role,
    and the institution of their reporter profile."""
    if not user.is_authenticated:
        return Institution.objects.none()
    ids = set(_ids_with(user, SUBMITTER_ROLES))
    profile = Reporter.objects.filter(user=user, is_active=True).first()
    if profile is not None:
        ids.add(profile.institution_id)
    return Institution.objects.filter(pk__in=ids, is_active=True).order_by("name")


def can_submit_prealert(user: AnyUser) -> bool:
    return submitting_institutions(user).exists()


def reviewing_institution_ids(user: AnyUser) -> list[int]:
    return _ids_with(user, REVIEWER_ROLES)


def visible_prealerts(user: AnyUser) -> QuerySet[PreAlert]:
    """The receiving institution's reviewers see its queue; a sender sees what they sent."""
    if not user.is_authenticated:
        return PreAlert.objects.none()
    return PreAlert.objects.filter(
        Q(institution_id__in=reviewing_institution_ids(user))
        | Q(submitted_by=user)
        # triage: a reporter also reads what came in under their profile (an SMS from their
        # phone), where the outcome notification points.
        | Q(reporter__user=user)
    )


def can_review_prealert(user: AnyUser, prealert: PreAlert) -> bool:
    return has_role(user, prealert.institution_id, REVIEWER_ROLES)


def get_prealert_for_user(user: AnyUser, prealert_uuid: UUID | str) -> PreAlert:
    prealert = visible_prealerts(user).filter(uuid=prealert_uuid).first()
    if prealert is None:
        raise Http404("prealert")
    return prealert


# Fields of a pre-alert its sender does not read back once it is in the queue: the analysts'
# notes, who holds it, and the raw payload (kept for the institution).
SENDER_HIDDEN_FIELDS = frozenset(
    {"review_notes", "reviewing_by", "reviewing_since", "assigned_to", "raw_payload"}
)


def hidden_prealert_fields(user: AnyUser, prealert: PreAlert) -> frozenset[str]:
    if can_review_prealert(user, prealert):
        return frozenset()
    return SENDER_HIDDEN_FIELDS


# --- alerts -------------------------------------------------------------------------------------


def visible_alerts(user: AnyUser) -> QuerySet[Alert]:
    """Public alerts to anyone; restricted ones to the issuing and recipient institutions."""
    ids = institution_ids(user)
    if not ids:
        return Alert.objects.filter(is_public=True)
    return Alert.objects.filter(
        Q(is_public=True)
        | Q(institution_id__in=ids)
        | Q(
            pk__in=Alert.recipients.through.objects.filter(institution_id__in=ids).values(
                "alert_id"
            )
        )
    )


def public_alerts() -> QuerySet[Alert]:
    """What the Atom feed and the public pages show, whoever asks."""
    return Alert.objects.filter(is_public=True)


def can_view_alert(user: AnyUser, alert: Alert) -> bool:
    return visible_alerts(user).filter(pk=alert.pk).exists()


def get_alert_for_user(user: AnyUser, alert_uuid: UUID | str) -> Alert:
    alert = visible_alerts(user).filter(uuid=alert_uuid).first()
    if alert is None:
        raise Http404("alert")
    return alert


def issuing_institutions(user: AnyUser) -> QuerySet[Institution]:
    return institutions_with_role(user, ISSUER_ROLES)


def can_issue_alert(user: AnyUser, institution: Institution) -> bool:
    return has_role(user, institution.pk, ISSUER_ROLES)


def can_follow_up_alert(user: AnyUser, alert: Alert) -> bool:
    """Update or cancel: the issuing institution's coordinators."""
    return has_role(user, alert.institution_id, ISSUER_ROLES)


# --- deployment orders --------------------------------------------------------------------------


def visible_orders(user: AnyUser) -> QuerySet[DeploymentOrder]:
    ids = institution_ids(user)
    if not ids:
        return DeploymentOrder.objects.none()
    return DeploymentOrder.objects.filter(
        Q(ordering_institution_id__in=ids) | Q(institution_id__in=ids)
    )


def get_order_for_user(user: AnyUser, order_uuid: UUID | str) -> DeploymentOrder:
    order = visible_orders(user).filter(uuid=order_uuid).first()
    if order is None:
        raise Http404("order")
    return order


def can_order_response(user: AnyUser, institution: Institution) -> bool:
    return has_role(user, institution.pk, ISSUER_ROLES)


def can_update_order(user: AnyUser, order: DeploymentOrder) -> bool:
    """The responsible institution's editors and the team's own members."""
    if not user.is_authenticated:
        return False
    if has_role(user, order.institution_id, EDITOR_ROLES):
        return True
    return order.team_members.filter(pk=user.pk).exists()
