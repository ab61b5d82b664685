"""The consultation app's pages."""

from django.urls import URLPattern, path

from willaq.consultation import views

app_name = "consultation"

urlpatterns: list[URLPattern] = [
    path("consulta-previa/", views.process_list, name="list"),
    path("consulta-previa/tablero/", views.process_board, name="board"),
    path("consulta-previa/nuevo/", views.process_new, name="new"),
    path("consulta-previa/<uuid:process_uuid>/", views.process_detail, name="detail"),
    path("consulta-previa/<uuid:process_uuid>/etapas/", views.stage_record, name="stage_record"),
    path(
        "consulta-previa/<uuid:process_uuid>/acuerdos/", views.agreement_add, name="agreement_add"
    ),
    path("consulta-previa/etapas/<uuid:stage_uuid>/editar/", views.stage_edit, name="stage_edit"),
    path(
        "consulta-previa/etapas/<uuid:stage_uuid>/documentos/",
        views.document_add,
        name="document_add",
    ),
    path(
        "consulta-previa/etapas/<uuid:stage_uuid>/interpretes/",
        views.assignment_add,
        name="assignment_add",
    ),
    path(
        "consulta-previa/acuerdos/<uuid:agreement_uuid>/seguimiento/",
        views.agreement_follow,
        name="agreement_follow",
    ),
    path(
        "consulta-previa/interpretes/asignar-a-sesion/<uuid:session_uuid>/",
        views.session_assignment,
        name="session_assignment",
    ),
    path(
        "consulta-previa/interpretes/sesiones/<uuid:session_uuid>/",
        views.session_panel,
        name="session_panel",
    ),
    path("consulta-previa/casos/<uuid:case_uuid>/", views.case_panel, name="case_panel"),
]
