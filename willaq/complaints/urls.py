"""The complaints app's pages: the citizen's form and tracking look-up (no login), the staff
queue and a complaint's page with its actions. One line per URL."""

from django.urls import URLPattern, path

from willaq.complaints.views import public, staff

app_name = "complaints"

urlpatterns: list[URLPattern] = [
    # Public (no login)
    path("denuncias/nueva/", public.complaint_new, name="new"),
    path("denuncias/seguimiento/", public.tracking, name="tracking"),
    # Staff of the handling institution
    path("denuncias/", staff.complaint_queue, name="queue"),
    path("denuncias/<uuid:complaint_uuid>/", staff.complaint_detail, name="detail"),
    path(
        "denuncias/<uuid:complaint_uuid>/fotos/<uuid:photo_uuid>/",
        staff.complaint_photo,
        name="photo",
    ),
    path(
        "denuncias/<uuid:complaint_uuid>/<slug:action>/",
        staff.complaint_action,
        name="action",
    ),
]
