"""Indexes for the map's clusters, on tables of the cases app (its models are not ours to
change, so the indexes live here, created on PostgreSQL only).

The map groups the cases and the events of a period into grid cells by their coordinates. These
covering indexes hold every column the grouping, the filters and the visibility check read, so
PostgreSQL answers from an index alone (an index-only scan) instead of reading the wide rows of
20,000 cases and 2 million events. SQLite, used for development and small offices, does
without them.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# The events with their own coordinates (nearly all), and those placed at their ubigeo.
INDEXES = {
    "reports_event_map": (
        "ON cases_event (event_date) "
        "INCLUDE (latitude, longitude, case_id, institution_id, ubigeo_id, id) "
        "WHERE removed_at IS NULL AND latitude IS NOT NULL AND longitude IS NOT NULL"
    ),
    # A small area (a province, a few streets) over a long period: a band of latitudes.
    "reports_event_map_latitude": (
        "ON cases_event (latitude) "
        "INCLUDE (longitude, event_date, case_id, institution_id, id) "
        "WHERE removed_at IS NULL AND latitude IS NOT NULL AND longitude IS NOT NULL"
    ),
    "reports_event_map_unplaced": (
        "ON cases_event (event_date) INCLUDE (ubigeo_id, case_id, institution_id, id) "
        "WHERE removed_at IS NULL AND (latitude IS NULL OR longitude IS NULL)"
    ),
    # The cases: the columns the map reads, so 20,000 wide rows are not read from the table.
    "reports_case_map": (
        "ON cases_case (state) INCLUDE (institution_id, phase, typology_id, start_date, "
        "end_date, latitude, longitude, id)"
    ),
    "reports_caseplace_principal": (
        "ON cases_caseplace (case_id) INCLUDE (ubigeo_id, grouping_id) WHERE is_principal"
    ),
}


def create_index(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} {definition}")


def drop_index(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_history_as_of_indexes"),
        ("reports", "0001_monthly_report"),
    ]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
