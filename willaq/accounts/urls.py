from django.urls import URLPattern, path

from willaq.accounts import (
    views,
    views_notifications,  # Notifications
)

app_name = "accounts"
urlpatterns: list[URLPattern] = [
    path("entrar/", views.LoginView.as_view(), name="login"),
    path("salir/", views.LogoutView.as_view(), name="logout"),
    path("perfil/", views.profile, name="profile"),
    path("perfil/tokens/", views.token_create, name="token_create"),
    path("perfil/tokens/<uuid:token_uuid>/revocar/", views.token_revoke, name="token_revoke"),
    path("contrasena/cambiar/", views.PasswordChangeView.as_view(), name="password_change"),
    path("contrasena/olvido/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "contrasena/olvido/enviado/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "contrasena/nueva/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "contrasena/nueva/lista/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("instituciones/<slug:slug>/miembros/", views.members, name="members"),
    path(
        "instituciones/<slug:slug>/miembros/<uuid:membership_uuid>/rol/",
        views.member_change_role,
        name="member_change_role",
    ),
    path(
        "instituciones/<slug:slug>/miembros/<uuid:membership_uuid>/desactivar/",
        views.member_deactivate,
        name="member_deactivate",
    ),
    # Notifications
    path("notificaciones/", views_notifications.notifications, name="notifications"),
    path(
        "notificaciones/leidas/",
        views_notifications.notifications_read_all,
        name="notifications_read_all",
    ),
    path(
        "notificaciones/<uuid:notification_uuid>/leida/",
        views_notifications.notification_read,
        name="notification_read",
    ),
]
