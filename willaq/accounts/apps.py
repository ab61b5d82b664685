from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "willaq.accounts"
    label = "accounts"
