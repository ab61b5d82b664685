from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "willaq.reports"
    label = "reports"

    def ready(self) -> None:
        # The map's events summary follows every save of an event or a case
        # (willaq/reports/map_summary.py says why model signals); the models load only now.
        from django.db.models.signals import post_delete, post_save, pre_save

        from willaq.cases.models import Case, Event
        from willaq.reports import map_summary

        uid = "reports.map_summary."
        pre_save.connect(map_summary.event_before_save, Event, dispatch_uid=uid + "event_pre")
        post_save.connect(map_summary.event_saved, Event, dispatch_uid=uid + "event_post")
        post_delete.connect(map_summary.event_deleted, Event, dispatch_uid=uid + "event_del")
        pre_save.connect(map_summary.case_before_save, Case, dispatch_uid=uid + "case_pre")
        post_save.connect(map_summary.case_saved, Case, dispatch_uid=uid + "case_post")
