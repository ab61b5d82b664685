from django.urls import path

from willaq.territory import views

app_name = "territory"
urlpatterns = [
    path("opciones/", views.options, name="options"),
    path("buscar/", views.search, name="search"),
]
