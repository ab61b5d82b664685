"""The peoples app's pages."""

from django.urls import URLPattern, path

from willaq.peoples import views

app_name = "peoples"

urlpatterns: list[URLPattern] = [
    path("pueblos/", views.people_list, name="list"),
    path("pueblos/lenguas/", views.language_list, name="languages"),
    path("pueblos/interpretes/", views.interpreter_list, name="interpreters"),
    path("pueblos/interpretes/nuevo/", views.interpreter_new, name="interpreter_new"),
    path("pueblos/interpretes/brechas/", views.interpreter_gaps, name="interpreter_gaps"),
    path(
        "pueblos/interpretes/<uuid:interpreter_uuid>/editar/",
        views.interpreter_edit,
        name="interpreter_edit",
    ),
    path(
        "pueblos/organizaciones/<uuid:organisation_uuid>/editar/",
        views.organisation_edit,
        name="organisation_edit",
    ),
    path(
        "pueblos/autoridades/<uuid:authority_uuid>/editar/",
        views.authority_edit,
        name="authority_edit",
    ),
    path("pueblos/<slug:slug>/", views.people_detail, name="detail"),
    path(
        "pueblos/<slug:slug>/organizaciones/nueva/",
        views.organisation_new,
        name="organisation_new",
    ),
    path("pueblos/<slug:slug>/autoridades/nueva/", views.authority_new, name="authority_new"),
    path("pueblos/<slug:slug>/localidades/nueva/", views.locality_new, name="locality_new"),
]
