from django.urls import URLPattern, path  # noqa: F401  (the pages are added as they land)

app_name = "reports"

urlpatterns: list[URLPattern] = []
