"""Indexes for the case list, the dashboard, case events and text search at regional scale.

On PostgreSQL also: the unaccent and pg_trgm extensions, the IMMUTABLE ``willaq_fold(text)``
function the search compares with (``lower(unaccent(text))``; SQLite gets the same function from
Python, see willaq/cases/dbfunctions.py) and trigram GIN indexes on the folded searchable
columns, so ``willaq_fold(col) LIKE '%…%'`` reads an index instead of every row.
"""

from django.conf import settings
from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

FOLD_FUNCTION = """
CREATE OR REPLACE FUNCTION willaq_fold(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$
"""

# (index name, table, folded column): each serves the search of willaq/cases/search.py.
TRIGRAM_INDEXES = (
    ("case_code_trgm", "cases_case", "code"),
    ("case_name_trgm", "cases_case", "name"),
    ("case_description_trgm", "cases_case", "description"),
    ("case_demands_trgm", "cases_case", "demands"),
    ("case_causes_trgm", "cases_case", "causes"),
    ("actor_name_trgm", "cases_actor", "name"),
)


def create_search(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FOLD_FUNCTION)
    for name, table, column in TRIGRAM_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING gin (willaq_fold({column}) gin_trgm_ops)"
        )


def drop_search(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("DROP FUNCTION IF EXISTS willaq_fold(text)")


# cases_as_of: the newest history row of each case at a moment, ties by history_id.
HISTORY_INDEX = (
    "CREATE INDEX IF NOT EXISTS historicalcase_as_of "
    "ON cases_historicalcase (id, history_date, history_id)"
)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_membership_apitoken_uuid"),
        ("cases", "0004_actor_search_name_and_merge"),
        ("territory", "0002_ubigeo_reniec_code"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        TrigramExtension(),
        UnaccentExtension(),
        migrations.RunPython(create_search, drop_search, elidable=False),
        migrations.RunSQL(HISTORY_INDEX, "DROP INDEX IF EXISTS historicalcase_as_of"),
        migrations.RemoveIndex(
            model_name="event",
            name="event_case_date",
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["-start_date", "-id", "state", "institution"], name="case_start_date"
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["name", "id"], name="case_name"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["updated_at", "id"], name="case_updated_at"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["state", "institution", "phase", "typology"],
                name="case_dashboard_counts",
            ),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["case", "-event_date", "-id"], name="event_case_date"),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["-event_date", "-id"], name="event_date"),
        ),
    ]
