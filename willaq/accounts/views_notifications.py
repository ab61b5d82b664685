"""The notifications page (``/cuentas/notificaciones/``): the user's notifications, newest
first, a page at a time; mark one read (and follow its link) or all of them."""

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from willaq.accounts.models import Notification, User
from willaq.accounts.notifications import mark_all_read, mark_read

PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


@login_required
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    inbox = Notification.objects.filter(user=user).order_by("-created_at", "-id")
    page = Paginator(inbox, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/notifications.html",
        {"page": page, "has_unread": inbox.filter(read_at__isnull=True).exists()},
    )


def _back(request: HttpRequest) -> str:
    url = reverse("accounts:notifications")
    page = request.POST.get("page", "")
    return f"{url}?page={page}" if page.isdigit() else url


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_uuid: UUID) -> HttpResponse:
    """Mark one read; with ``open`` in the form, go to where it points (a path inside Willaq)."""
    user = _user(request)
    notification = Notification.objects.filter(user=user, uuid=notification_uuid).first()
    if notification is None:
        raise Http404("notification")
    mark_read(user, notification)
    if (
        "open" in request.POST
        and notification.url.startswith("/")
        and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None)
    ):
        return redirect(notification.url)
    return redirect(_back(request))


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    mark_all_read(_user(request))
    return redirect(_back(request))
