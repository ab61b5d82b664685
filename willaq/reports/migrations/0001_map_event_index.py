"""An index for the map's event clusters, on a table of the cases app (its models are not ours
to change, so the index lives here, created on PostgreSQL only).

The map groups the events of a period into grid cells by their coordinates. These partial,
covering indexes hold, for the events not removed, the date (the period's range) and every
column the grouping and the visibility check read, so PostgreSQL answers from an index alone
(an index-only scan) without reading the 2 million rows of the table. SQLite, used for
development and small offices, does without it.
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
        ("cases", "0012_drop_case_pcm_classification"),
    ]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
