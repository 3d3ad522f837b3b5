"""A tally of listed figures per (entity, chart unit), kept by database triggers, for the
sizes of the entity page's charts (``articles.models.EntityChartUnitTally``).

It counts what 0011's ``ChartUnitTally`` counts (listed claims with a figure, by
``chart_unit()``), per entity the claim involves: its speaker and its subjects, a claim
counting once per entity, as ``EntityClaimTally`` does. The read (``articles/tallies.py``)
subtracts the entity's few scheduled figures, so the clock is applied when the page is read.

The triggers are 0011's, narrowed to figures: a claim inserted, deleted, or updated in what it
counts for (listed or not, speaker, whether it has a figure, its chart unit; including by the
``public_from`` triggers of 0008), and a subject row added or removed. They are triggers of
their own beside 0011's, so either migration is reversed alone. PostgreSQL: statement-level
AFTER triggers with transition tables, the claims locked FOR SHARE before a subject row is
counted, upserts in key order. SQLite: AFTER row triggers, rows at zero or below removed.

As with 0008 and 0011, SQLite drops a table's triggers when a migration rebuilds it: a later
migration remaking articles_claim or articles_claim_subjects must call ``create_triggers`` of
this migration again.
"""

import django.db.models.deletion
from django.db import migrations, models

TALLY = "articles_tally_entity_chart_units"
UPSERT = f"ON CONFLICT (entity_id, unit) DO UPDATE SET n = {TALLY}.n + excluded.n"
CHART_UNIT = "CASE WHEN {r}.equivalent_amount IS NOT NULL THEN {r}.equivalent_unit ELSE {r}.unit END"

# What a claim row counts for here; a change of anything else (its status) leaves it alone.
CLAIM_COUNTED = (
    "({r}.public_from IS NULL, {r}.speaker_id, {r}.amount IS NULL, " + CHART_UNIT + ")"
)

# ---------------------------------------------------------------------------------------------
# PostgreSQL

CLAIM_COLUMNS = "id, public_from, speaker_id, amount, unit, equivalent_amount, equivalent_unit"
LISTED_FIGURE = "{r}.public_from IS NOT NULL AND {r}.amount IS NOT NULL"
CLAIM_DELTA = {
    "insert": f"SELECT 1 AS sign, {CLAIM_COLUMNS} FROM new_rows n WHERE "
    + LISTED_FIGURE.format(r="n"),
    "delete": f"SELECT -1 AS sign, {CLAIM_COLUMNS} FROM old_rows o WHERE "
    + LISTED_FIGURE.format(r="o"),
    "update": " UNION ALL ".join(
        f"SELECT {sign} AS sign, "
        + ", ".join(f"{side}.{c}" for c in CLAIM_COLUMNS.split(", "))
        + " FROM old_rows o JOIN new_rows n ON n.id = o.id"
        + f" WHERE {LISTED_FIGURE.format(r=side)}"
        + f" AND {CLAIM_COUNTED.format(r='o')} IS DISTINCT FROM {CLAIM_COUNTED.format(r='n')}"
        for sign, side in ((-1, "o"), (1, "n"))
    ),
}

PG_CLAIM = """
CREATE FUNCTION articles_claim_unit_tallies_{op}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    WITH delta AS ({delta}),
    involved AS (
        SELECT d.speaker_id AS entity_id, {unit} AS unit, d.sign FROM delta d
        WHERE d.speaker_id IS NOT NULL
        UNION ALL
        SELECT s.entity_id, {unit}, d.sign
        FROM delta d JOIN articles_claim_subjects s ON s.claim_id = d.id
        WHERE s.entity_id IS DISTINCT FROM d.speaker_id
    )
    INSERT INTO {tally} (entity_id, unit, n)
    SELECT entity_id, unit, SUM(sign) FROM involved
    GROUP BY 1, 2 HAVING SUM(sign) <> 0 ORDER BY 1, 2
    {upsert};
    RETURN NULL;
END
$$;
"""

SUBJECT_DELTA = {
    "insert": "SELECT 1 AS sign, claim_id, entity_id FROM new_rows",
    "delete": "SELECT -1 AS sign, claim_id, entity_id FROM old_rows",
    "update": (
        "SELECT -1 AS sign, o.claim_id, o.entity_id FROM old_rows o JOIN new_rows n"
        " ON n.id = o.id WHERE (o.claim_id, o.entity_id) IS DISTINCT FROM (n.claim_id, n.entity_id)"
        " UNION ALL "
        "SELECT 1 AS sign, n.claim_id, n.entity_id FROM old_rows o JOIN new_rows n"
        " ON n.id = o.id WHERE (o.claim_id, o.entity_id) IS DISTINCT FROM (n.claim_id, n.entity_id)"
    ),
}

PG_SUBJECT = """
CREATE FUNCTION articles_claim_subjects_unit_tallies_{op}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM articles_claim
    WHERE id IN (SELECT claim_id FROM ({delta}) d) ORDER BY id FOR SHARE;
    WITH delta AS ({delta})
    INSERT INTO {tally} (entity_id, unit, n)
    SELECT d.entity_id, {claim_unit}, SUM(d.sign)
    FROM delta d JOIN articles_claim c ON c.id = d.claim_id
    WHERE c.public_from IS NOT NULL AND c.amount IS NOT NULL
        AND d.entity_id IS DISTINCT FROM c.speaker_id
    GROUP BY 1, 2 HAVING SUM(d.sign) <> 0 ORDER BY 1, 2
    {upsert};
    RETURN NULL;
END
$$;
"""

PG_TABLES = {
    # table: (function template, deltas)
    "articles_claim": (PG_CLAIM, CLAIM_DELTA),
    "articles_claim_subjects": (PG_SUBJECT, SUBJECT_DELTA),
}
REFERENCING = {
    "insert": "REFERENCING NEW TABLE AS new_rows",
    "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "REFERENCING OLD TABLE AS old_rows",
}


def _postgresql_create() -> list[str]:
    names = {
        "tally": TALLY,
        "upsert": UPSERT,
        "unit": CHART_UNIT.format(r="d"),
        "claim_unit": CHART_UNIT.format(r="c"),
    }
    statements = []
    for table, (template, deltas) in PG_TABLES.items():
        for op, delta in deltas.items():
            statements.append(template.format(op=op, delta=delta, **names))
            statements.append(
                f"CREATE TRIGGER {table}_unit_tallies_{op} AFTER {op.upper()} ON {table} "
                f"{REFERENCING[op]} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION {table}_unit_tallies_{op}()"
            )
    return statements


def _postgresql_drop() -> list[str]:
    statements = []
    for table, (_, deltas) in PG_TABLES.items():
        for op in deltas:
            statements.append(f"DROP TRIGGER {table}_unit_tallies_{op} ON {table}")
            statements.append(f"DROP FUNCTION {table}_unit_tallies_{op}()")
    return statements


# ---------------------------------------------------------------------------------------------
# SQLite: a row trigger per operation, counting the row as it was (OLD, -1) and as it is
# (NEW, +1). An upsert's SELECT carries a WHERE clause, which SQLite needs to parse the
# ON CONFLICT after it.

PRUNE = f"DELETE FROM {TALLY} WHERE n <= 0;"


def _sqlite_claim(r: str, sign: int) -> str:
    return f"""
        INSERT INTO {TALLY} (entity_id, unit, n)
        SELECT entity_id, {CHART_UNIT.format(r=r)}, {sign} FROM (
            SELECT {r}.speaker_id AS entity_id WHERE {r}.speaker_id IS NOT NULL
            UNION ALL
            SELECT entity_id FROM articles_claim_subjects
            WHERE claim_id = {r}.id AND entity_id IS NOT {r}.speaker_id
        ) WHERE {LISTED_FIGURE.format(r=r)}
        {UPSERT};"""


def _sqlite_subject(r: str, sign: int) -> str:
    return f"""
        INSERT INTO {TALLY} (entity_id, unit, n)
        SELECT {r}.entity_id, {CHART_UNIT.format(r="c")}, {sign} FROM articles_claim c
        WHERE c.id = {r}.claim_id AND {LISTED_FIGURE.format(r="c")}
            AND {r}.entity_id IS NOT c.speaker_id
        {UPSERT};"""


SQLITE_ROWS = {
    "articles_claim": (_sqlite_claim, CLAIM_COUNTED),
    "articles_claim_subjects": (_sqlite_subject, "({r}.claim_id, {r}.entity_id)"),
}


def _sqlite_triggers() -> dict[str, str]:
    triggers = {}
    for table, (count, counted) in SQLITE_ROWS.items():
        changed = f"{counted.format(r='OLD')} IS NOT {counted.format(r='NEW')}"
        triggers[f"{table}_unit_tallies_insert"] = (
            f"AFTER INSERT ON {table} BEGIN {count('NEW', 1)} {PRUNE} END"
        )
        triggers[f"{table}_unit_tallies_update"] = (
            f"AFTER UPDATE ON {table} WHEN {changed} "
            f"BEGIN {count('OLD', -1)} {count('NEW', 1)} {PRUNE} END"
        )
        triggers[f"{table}_unit_tallies_delete"] = (
            f"AFTER DELETE ON {table} BEGIN {count('OLD', -1)} {PRUNE} END"
        )
    return triggers


# The tally from scratch (``articles.tallies.recount`` runs the same; this copy is frozen with
# the migration).
RECOUNT = f"""
DELETE FROM {TALLY};
INSERT INTO {TALLY} (entity_id, unit, n)
SELECT entity_id, unit, COUNT(*) FROM (
    SELECT speaker_id AS entity_id, {CHART_UNIT.format(r="articles_claim")} AS unit
    FROM articles_claim
    WHERE public_from IS NOT NULL AND amount IS NOT NULL AND speaker_id IS NOT NULL
    UNION ALL
    SELECT s.entity_id, {CHART_UNIT.format(r="c")}
    FROM articles_claim c JOIN articles_claim_subjects s ON s.claim_id = c.id
    WHERE c.public_from IS NOT NULL AND c.amount IS NOT NULL
        AND (c.speaker_id IS NULL OR s.entity_id <> c.speaker_id)
) involved GROUP BY entity_id, unit;
"""


def create_triggers(apps, schema_editor) -> None:
    """The triggers, and the tally counted from scratch."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in _postgresql_create():
            schema_editor.execute(statement, params=None)
    elif vendor == "sqlite":
        for name, body in _sqlite_triggers().items():
            schema_editor.execute(f"CREATE TRIGGER {name} {body}", params=None)
    else:
        raise NotImplementedError(f"No tally triggers for {vendor}.")
    for statement in schema_editor.connection.ops.prepare_sql_script(RECOUNT):
        schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in _postgresql_drop():
            schema_editor.execute(statement, params=None)
    elif vendor == "sqlite":
        for name in _sqlite_triggers():
            schema_editor.execute(f"DROP TRIGGER {name}", params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0012_article_same_figure_index'),
        ('entities', '0004_entity_redirect'),
    ]

    operations = [
        migrations.CreateModel(
            name='EntityChartUnitTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('unit', models.CharField(max_length=16)),
                ('n', models.IntegerField(default=0)),
                ('entity', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='entities.entity')),
            ],
            options={
                'db_table': 'articles_tally_entity_chart_units',
                'ordering': ['entity', 'unit'],
                'constraints': [models.UniqueConstraint(fields=('entity', 'unit'), name='articles_tally_units_key')],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
