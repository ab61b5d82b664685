"""E-mails of the case workflow (sent by the Celery tasks in willaq/cases/tasks.py): the
institution's coordinators hear of a case proposed for approval; its author hears that it was
returned (with the reason) or approved."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from willaq.accounts.models import Membership, Role, User
from willaq.cases.choices import TransitionKind
from willaq.cases.models import CaseTransition

# The transitions somebody is told about.
NOTIFIED_KINDS = frozenset(
    {TransitionKind.SUBMITTED, TransitionKind.RETURNED, TransitionKind.APPROVED}
)


def recipients(transition: CaseTransition) -> list[User]:
    """Who hears of a transition: coordinators for a proposal, the author otherwise. Whoever
    made the change is not told of it."""
    case = transition.case
    if transition.kind == TransitionKind.SUBMITTED:
        people = [
            m.user
            for m in Membership.objects.filter(
                institution=case.institution,
                role=Role.COORDINATOR,
                is_active=True,
                user__is_active=True,
            )
            .select_related("user")
            .order_by("user__email")
        ]
    elif transition.kind in NOTIFIED_KINDS and case.created_by is not None:
        people = [case.created_by] if case.created_by.is_active else []
    else:
        people = []
    return [p for p in people if p.email and p.pk != transition.by_id]


def send_transition_email(transition: CaseTransition, *, base_url: str) -> int:
    """Send one e-mail per recipient (in Spanish, the installation's language); return how
    many were sent."""
    people = recipients(transition)
    if not people:
        return 0
    case = transition.case
    path = (
        reverse("cases:queue")
        if transition.kind == TransitionKind.SUBMITTED
        else reverse("cases:detail", kwargs={"case_uuid": case.uuid})
    )
    context = {
        "case": case,
        "transition": transition,
        "kind": transition.kind,
        "by": transition.by,
        "url": base_url.rstrip("/") + path if base_url else path,
        "case_url": (base_url.rstrip("/") if base_url else "")
        + reverse("cases:detail", kwargs={"case_uuid": case.uuid}),
    }
    sent = 0
    with translation.override("es"):
        for person in people:
            context["person"] = person
            subject = render_to_string("cases/emails/transition_subject.txt", context)
            message = EmailMultiAlternatives(
                subject="".join(subject.splitlines()),
                body=render_to_string("cases/emails/transition.txt", context),
                to=[person.email],
            )
            message.attach_alternative(
                render_to_string("cases/emails/transition.html", context), "text/html"
            )
            sent += message.send()
    return sent
