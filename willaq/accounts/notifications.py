"""In-app notifications, also sent by e-mail through Celery once the caller's transaction
commits. Every app tells people things through :func:`notify`."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from willaq.accounts.models import Notification, User


def notify(
    users: Iterable[User],
    *,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    email: bool = True,
) -> list[Notification]:
    """Write one notification per distinct active user; e-mail them after commit."""
    seen: set[int] = set()
    rows: list[Notification] = []
    for user in users:
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                user=user,
                kind=kind,
                title=title[:200],
                body=body,
                url=url,
                email=email and bool(user.email),
            )
        )
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n in created if n.email and n.pk is not None]
    if ids:
        from willaq.accounts.tasks import email_notifications

        transaction.on_commit(lambda: email_notifications.delay(ids))
    return created


def mark_read(user: User, notification: Notification) -> bool:
    """Mark one of the user's notifications read; False when it already was (or is not
    theirs)."""
    return bool(
        Notification.objects.filter(pk=notification.pk, user=user, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    )


def mark_all_read(user: User) -> int:
    """Mark every unread notification of the user read; returns how many."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def unread_count(user: User, *, limit: int = 100) -> int:
    """Unread notifications of the user, counted up to ``limit`` (the bell shows "99+")."""
    return Notification.objects.filter(user=user, read_at__isnull=True)[:limit].count()
