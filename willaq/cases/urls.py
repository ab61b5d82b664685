from django.urls import path

from willaq.cases.views import actors as views_actors
from willaq.cases.views import cases as views
from willaq.cases.views import categories as views_categories
from willaq.cases.views import events as views_events
from willaq.cases.views import records as views_records
from willaq.cases.views import registry as views_registry
from willaq.cases.views import stakeholders as views_stakeholders

app_name = "cases"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("casos/", views.case_list, name="list"),
    path("casos/nuevo/", views.case_create, name="create"),
    path("casos/buscar/", views_registry.case_search, name="case_search"),
    path("casos/por-aprobar/", views.approval_queue, name="queue"),
    path("casos/<uuid:case_uuid>/", views.case_detail, name="detail"),
    path("casos/<uuid:case_uuid>/editar/", views.case_edit, name="edit"),
    path("casos/<uuid:case_uuid>/historial/", views.case_history_page, name="history"),
    path("casos/<uuid:case_uuid>/estado/", views.case_transition, name="transition"),
    path("casos/<uuid:case_uuid>/fase/", views.case_phase, name="phase"),
    path("casos/<uuid:case_uuid>/fusionar/", views_registry.case_merge, name="merge"),
    path("casos/<uuid:case_uuid>/clasificacion/", views_registry.case_classify, name="classify"),
    path(
        "casos/<uuid:case_uuid>/identificadores/nuevo/",
        views_registry.external_id_add,
        name="external_id_add",
    ),
    path(
        "casos/<uuid:case_uuid>/identificadores/quitar/",
        views_registry.external_id_remove,
        name="external_id_remove",
    ),
    path("casos/<uuid:case_uuid>/eventos/nuevo/", views.event_create, name="event_create"),
    path("casos/<uuid:case_uuid>/actores/", views.actor_link, name="actor_link"),
    path("casos/<uuid:case_uuid>/noticias/nueva/", views.news_create, name="news_create"),
    path("casos/<uuid:case_uuid>/evidencias/nueva/", views.evidence_create, name="evidence_create"),
    path("eventos/", views_events.event_list, name="event_list"),
    path("eventos/nuevo/", views_events.event_create, name="event_new"),
    path("eventos/<uuid:event_uuid>/", views_events.event_detail, name="event_detail"),
    path("eventos/<uuid:event_uuid>/victimas/nueva/", views.victim_create, name="victim_create"),
    path(
        "evidencias/<uuid:evidence_uuid>/descargar/",
        views.evidence_download,
        name="evidence_download",
    ),
    path(
        "instituciones/<slug:slug>/categorias/",
        views_categories.categories_page,
        name="categories",
    ),
    path(
        "instituciones/<slug:slug>/categorias/<slug:kind_slug>/nueva/",
        views_categories.category_create,
        name="category_create",
    ),
    path(
        "instituciones/<slug:slug>/categorias/<slug:kind_slug>/<slug:code>/editar/",
        views_categories.category_edit,
        name="category_edit",
    ),
    path(
        "instituciones/<slug:slug>/categorias/<slug:kind_slug>/<slug:code>/activa/",
        views_categories.category_set_active,
        name="category_set_active",
    ),
    path("eventos/<uuid:event_uuid>/editar/", views_records.event_edit, name="event_edit"),
    path("actores/buscar/", views_actors.actor_search, name="actor_search"),
    path("actores/<uuid:actor_uuid>/", views_actors.actor_detail, name="actor_detail"),
    path(
        "casos/<uuid:case_uuid>/mapa-de-actores/",
        views_stakeholders.map_page,
        name="stakeholder_map",
    ),
    path(
        "casos/<uuid:case_uuid>/mapa-de-actores.graphml",
        views_stakeholders.map_graphml,
        name="stakeholder_map_graphml",
    ),
    path(
        "casos/<uuid:case_uuid>/mapa-de-actores.csv",
        views_stakeholders.map_csv,
        name="stakeholder_map_csv",
    ),
    path(
        "casos/<uuid:case_uuid>/mapa-de-actores/relaciones/nueva/",
        views_stakeholders.relation_add,
        name="relation_add",
    ),
    path(
        "casos/<uuid:case_uuid>/mapa-de-actores/relaciones/<uuid:relation_uuid>/cambiar/",
        views_stakeholders.relation_change,
        name="relation_change",
    ),
    path(
        "casos/<uuid:case_uuid>/mapa-de-actores/relaciones/<uuid:relation_uuid>/terminar/",
        views_stakeholders.relation_end,
        name="relation_end",
    ),
    path(
        "casos/<uuid:case_uuid>/mapa-de-actores/relaciones/<uuid:relation_uuid>/eliminar/",
        views_stakeholders.relation_remove,
        name="relation_remove",
    ),
    path(
        "casos/<uuid:case_uuid>/actores/<uuid:actor_uuid>/perfil/",
        views_stakeholders.profile_edit,
        name="stakeholder_profile",
    ),
    path("actores/<uuid:actor_uuid>/fusionar/", views_actors.actor_merge, name="actor_merge"),
    path(
        "casos/<uuid:case_uuid>/actores/<uuid:actor_uuid>/editar/",
        views_actors.actor_link_edit,
        name="actor_link_edit",
    ),
    path(
        "casos/<uuid:case_uuid>/actores/<uuid:actor_uuid>/quitar/",
        views_records.actor_unlink,
        name="actor_unlink",
    ),
    path("victimas/<uuid:victim_uuid>/editar/", views_records.victim_edit, name="victim_edit"),
    path("noticias/<uuid:news_uuid>/editar/", views_records.news_edit, name="news_edit"),
    path(
        "evidencias/<uuid:evidence_uuid>/editar/",
        views_records.evidence_edit,
        name="evidence_edit",
    ),
    path(
        "<slug:kind>/<uuid:record_uuid>/eliminar/",
        views_records.record_remove,
        name="record_remove",
    ),
    path(
        "<slug:kind>/<uuid:record_uuid>/restaurar/",
        views_records.record_restore,
        name="record_restore",
    ),
]
