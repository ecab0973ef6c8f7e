"""Migration operations for what only PostgreSQL can build (trigram and NULLS LAST indexes):
the migration state holds them on every database, so `makemigrations` sees no change, and the
embedded SQLite default simply goes without them."""

from django.db import migrations


class AddIndexOnPostgres(migrations.AddIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def upper_trigram_indexes(*indexes):
    """A RunPython that builds trigram indexes on UPPER(column) on PostgreSQL (what
    `icontains` searches): `indexes` are (name, table, column). Django's OpClass cannot
    express this index yet (it wraps the operator class in the expression's parentheses)."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name, table, column in indexes:
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
                f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
            )

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name, _table, _column in indexes:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return migrations.RunPython(forwards, backwards, elidable=False)


# Every two-character piece of a text ("上海科技" → {上海, 海科, 科技}): what a bigram index
# holds (crm_site/lookups.py `icontains_indexed`). IMMUTABLE, so an expression index can be
# built on it; PL/pgSQL, about twice as quick as a SQL ARRAY(SELECT … generate_series) where a
# row is checked against it without the index (a filter).
BIGRAMS_FUNCTION = """
CREATE OR REPLACE FUNCTION crm_bigrams(t text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    found text[] := '{}';
BEGIN
    FOR i IN 1 .. char_length(t) - 1 LOOP
        found := found || substr(t, i, 2);
    END LOOP;
    RETURN found;
END
$$
"""


def upper_bigram_indexes(*indexes):
    """A RunPython that builds bigram indexes on UPPER(column) on PostgreSQL (GIN over
    `crm_bigrams(UPPER(column))`), with the function first: what a two-character
    `icontains_indexed` asks (a trigram index cannot serve a two-character text: it reads
    every row). `indexes` are (name, table, column); nothing on SQLite."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(BIGRAMS_FUNCTION)
        for name, table, column in indexes:
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
                f'USING gin (crm_bigrams(UPPER("{column}"::text)))'
            )

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name, _table, _column in indexes:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return migrations.RunPython(forwards, backwards, elidable=False)


def _without_indexes(state, app_label, model_name, names):
    state = state.clone()
    model = state.models[app_label, model_name]
    model.options["indexes"] = [i for i in model.options.get("indexes", []) if i.name not in names]
    # A state whose models were rendered already holds the old model: render it again.
    if "apps" in state.__dict__:
        state.reload_model(app_label, model_name, delay=True)
    return state


class _BesidePostgresIndexes:
    """A field operation that SQLite does by rebuilding the table, with every index of the
    state: the rebuild leaves out `postgres_indexes` (those AddIndexOnPostgres built only
    there)."""

    def __init__(self, *args, postgres_indexes=(), **kwargs):
        self.postgres_indexes = tuple(postgres_indexes)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, args, {**kwargs, "postgres_indexes": self.postgres_indexes}

    def _states(self, app_label, schema_editor, *states):
        if schema_editor.connection.vendor == "postgresql":
            return states
        names = set(self.postgres_indexes)
        return [_without_indexes(s, app_label, self.model_name_lower, names) for s in states]

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        from_state, to_state = self._states(app_label, schema_editor, from_state, to_state)
        super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        from_state, to_state = self._states(app_label, schema_editor, from_state, to_state)
        super().database_backwards(app_label, schema_editor, from_state, to_state)


class AlterFieldBesidePostgresIndexes(_BesidePostgresIndexes, migrations.AlterField):
    """An AlterField beside PostgreSQL-only indexes (see _BesidePostgresIndexes)."""


class AddFieldBesidePostgresIndexes(_BesidePostgresIndexes, migrations.AddField):
    """An AddField beside PostgreSQL-only indexes (see _BesidePostgresIndexes)."""
