"""Peru's national holidays of 2024–2030, so the complaint clock skips them from the start
(``manage.py load_holidays --years`` adds other years; admins correct days in the admin)."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from willaq.complaints.calendar_pe import peru_holidays


def load(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    holiday = apps.get_model("complaints", "Holiday")
    days = peru_holidays(range(2024, 2031))
    present = set(holiday.objects.values_list("date", flat=True))
    holiday.objects.bulk_create(
        [holiday(date=day, name=name[:120]) for day, name in sorted(days.items()) if day not in present]
    )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_complaints")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
