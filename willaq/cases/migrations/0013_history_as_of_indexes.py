"""The as-of indexes of the parts' histories: the newest row of each place, actor link and PCM
classification at a month's end (``history._latest_rows``) is read from a narrow index, as the
cases' own history is (``historicalcase_as_of``, migration 0005). The monthly report, its fiches
and the charts read these at every month end."""

from django.db import migrations

TABLES = ("historicalcaseplace", "historicalcaseactor", "historicalcaseclassification")


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_drop_case_pcm_classification")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {table}_as_of "
            f"ON cases_{table} (id, history_date, history_id)",
            f"DROP INDEX IF EXISTS {table}_as_of",
        )
        for table in TABLES
    ]
