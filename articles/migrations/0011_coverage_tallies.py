"""Tallies of listed coverage, kept by database triggers, for the home and entity pages.

Four tables (``articles.models.EntityClaimTally`` and the others) count what is *listed*:
claims with ``public_from`` set, articles with status published whatever their time. Per
entity, ``EntityClaimTally`` counts claims by verification status and ``EntityTally`` its
claims as a whole and the articles mentioning it (indexed for the home page's ranking). Readers
see what is listed and due; the reads (``articles/tallies.py``) subtract the few listed rows
whose time has not come (an index range), so a scheduled article's coverage appears on time
with no job to run, and no count grows with the site.

Triggers apply each write as a delta (``INSERT ... ON CONFLICT DO UPDATE SET n = n + d``):

- a claim inserted, deleted, or updated in what it counts for (listed or not, status,
  speaker, chart unit), including by the ``public_from`` triggers of migration 0008;
- a subject of a claim added or removed (counted for a listed claim, unless the entity is
  also the claim's speaker: a claim counts once per entity);
- a mention added or removed (counted for an article with status published);
- an article inserted, deleted, or updated in status or event.

A claim (article) deleted before or after its subject (mention) rows is subtracted once
either way: the rows of the link table that remain when the claim goes are subtracted with
it, and a link row deleted after its claim finds no claim to count for.

PostgreSQL: statement-level AFTER triggers with transition tables (one upsert per statement;
the benchmark build COPYs 150,000 subject rows). The link tables' triggers lock the claims
(articles) they count for FOR SHARE before reading them, as 0008 does: a concurrent change of
such a claim's status or listing waits, or is waited for, and the later sees the other's rows.
The upserts go in key order, so two writers cannot deadlock on the tally rows.
SQLite: AFTER row triggers; rows left at zero or below are removed (a flush empties the
tallies before or after the tables they count, in no fixed order).

As with 0008, SQLite drops a table's triggers when a migration rebuilds it: a later migration
remaking articles_claim, articles_claim_subjects, articles_article or articles_article_mentions
must call ``create_triggers`` of this migration again.
"""

from django.db import migrations, models
import django.db.models.deletion

CLAIMS = "articles_tally_entity_claims"
ENTITIES = "articles_tally_entities"
UNITS = "articles_tally_chart_units"
EVENTS = "articles_tally_event_articles"

UPSERT = {
    CLAIMS: "ON CONFLICT (entity_id, status) DO UPDATE SET n = {t}.n + excluded.n",
    # An entity's claims and its articles are added to it apart.
    (ENTITIES, "claims"): (
        "ON CONFLICT (entity_id) DO UPDATE SET claims = {t}.claims + excluded.claims"
    ),
    (ENTITIES, "articles"): (
        "ON CONFLICT (entity_id) DO UPDATE SET articles = {t}.articles + excluded.articles"
    ),
    UNITS: "ON CONFLICT (unit) DO UPDATE SET n = {t}.n + excluded.n",
    EVENTS: "ON CONFLICT (event_id) DO UPDATE SET n = {t}.n + excluded.n",
}


def _upsert(table: str, column: str = "") -> str:
    return UPSERT[(table, column) if column else table].format(t=table)


CHART_UNIT = "CASE WHEN {r}.equivalent_amount IS NOT NULL THEN {r}.equivalent_unit ELSE {r}.unit END"

# What a claim row counts for; a change of anything else leaves the tallies alone.
CLAIM_COUNTED = (
    "({r}.public_from IS NULL, {r}.status, {r}.speaker_id, {r}.amount IS NULL, "
    + CHART_UNIT
    + ")"
)

# ---------------------------------------------------------------------------------------------
# PostgreSQL. Each trigger function is written once per operation from a template whose
# ``delta`` lists the rows to count, each with its sign.

CLAIM_COLUMNS = "id, public_from, status, speaker_id, amount, unit, equivalent_amount, equivalent_unit"
CLAIM_DELTA = {
    "insert": f"SELECT 1 AS sign, {CLAIM_COLUMNS} FROM new_rows WHERE public_from IS NOT NULL",
    "delete": f"SELECT -1 AS sign, {CLAIM_COLUMNS} FROM old_rows WHERE public_from IS NOT NULL",
    "update": " UNION ALL ".join(
        f"SELECT {sign} AS sign, "
        + ", ".join(f"{side}.{c}" for c in CLAIM_COLUMNS.split(", "))
        + " FROM old_rows o JOIN new_rows n ON n.id = o.id"
        + f" WHERE {side}.public_from IS NOT NULL"
        + f" AND {CLAIM_COUNTED.format(r='o')} IS DISTINCT FROM {CLAIM_COUNTED.format(r='n')}"
        for sign, side in ((-1, "o"), (1, "n"))
    ),
}

PG_CLAIM = """
CREATE FUNCTION articles_claim_tallies_{op}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    WITH delta AS ({delta}),
    involved AS (
        SELECT d.speaker_id AS entity_id, d.status, d.sign FROM delta d
        WHERE d.speaker_id IS NOT NULL
        UNION ALL
        SELECT s.entity_id, d.status, d.sign
        FROM delta d JOIN articles_claim_subjects s ON s.claim_id = d.id
        WHERE s.entity_id IS DISTINCT FROM d.speaker_id
    ),
    counted AS (
        SELECT entity_id, status, SUM(sign) AS n FROM involved
        GROUP BY entity_id, status HAVING SUM(sign) <> 0
    ),
    by_status AS (
        INSERT INTO {claims} (entity_id, status, n)
        SELECT entity_id, status, n FROM counted ORDER BY entity_id, status
        {upsert_claims}
    )
    INSERT INTO {entities} (entity_id, claims, articles)
    SELECT entity_id, SUM(n), 0 FROM counted
    GROUP BY 1 HAVING SUM(n) <> 0 ORDER BY 1
    {upsert_entity_claims};
    WITH delta AS ({delta})
    INSERT INTO {units} (unit, n)
    SELECT {unit}, SUM(d.sign) FROM delta d WHERE d.amount IS NOT NULL
    GROUP BY 1 HAVING SUM(d.sign) <> 0 ORDER BY 1
    {upsert_units};
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
CREATE FUNCTION articles_claim_subjects_tallies_{op}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM articles_claim
    WHERE id IN (SELECT claim_id FROM ({delta}) d) ORDER BY id FOR SHARE;
    WITH delta AS ({delta}),
    counted AS (
        SELECT d.entity_id, c.status, SUM(d.sign) AS n
        FROM delta d JOIN articles_claim c ON c.id = d.claim_id
        WHERE c.public_from IS NOT NULL AND d.entity_id IS DISTINCT FROM c.speaker_id
        GROUP BY 1, 2 HAVING SUM(d.sign) <> 0
    ),
    by_status AS (
        INSERT INTO {claims} (entity_id, status, n)
        SELECT entity_id, status, n FROM counted ORDER BY 1, 2
        {upsert_claims}
    )
    INSERT INTO {entities} (entity_id, claims, articles)
    SELECT entity_id, SUM(n), 0 FROM counted
    GROUP BY 1 HAVING SUM(n) <> 0 ORDER BY 1
    {upsert_entity_claims};
    RETURN NULL;
END
$$;
"""

MENTION_DELTA = {
    op: sql.replace("claim_id", "article_id") for op, sql in SUBJECT_DELTA.items()
}

PG_MENTION = """
CREATE FUNCTION articles_article_mentions_tallies_{op}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM articles_article
    WHERE id IN (SELECT article_id FROM ({delta}) d) ORDER BY id FOR SHARE;
    WITH delta AS ({delta})
    INSERT INTO {entities} (entity_id, claims, articles)
    SELECT d.entity_id, 0, SUM(d.sign)
    FROM delta d JOIN articles_article a ON a.id = d.article_id
    WHERE a.status = 'published'
    GROUP BY 1 HAVING SUM(d.sign) <> 0 ORDER BY 1
    {upsert_entity_articles};
    RETURN NULL;
END
$$;
"""

ARTICLE_COUNTED = "({r}.status = 'published', {r}.event_id)"
ARTICLE_DELTA = {
    "insert": "SELECT 1 AS sign, id, event_id FROM new_rows WHERE status = 'published'",
    "delete": "SELECT -1 AS sign, id, event_id FROM old_rows WHERE status = 'published'",
    "update": " UNION ALL ".join(
        f"SELECT {sign} AS sign, {side}.id, {side}.event_id"
        " FROM old_rows o JOIN new_rows n ON n.id = o.id"
        f" WHERE {side}.status = 'published'"
        f" AND {ARTICLE_COUNTED.format(r='o')} IS DISTINCT FROM {ARTICLE_COUNTED.format(r='n')}"
        for sign, side in ((-1, "o"), (1, "n"))
    ),
}

PG_ARTICLE = """
CREATE FUNCTION articles_article_tallies_{op}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    WITH delta AS ({delta})
    INSERT INTO {events} (event_id, n)
    SELECT event_id, SUM(sign) FROM delta WHERE event_id IS NOT NULL
    GROUP BY 1 HAVING SUM(sign) <> 0 ORDER BY 1
    {upsert_events};
    WITH delta AS ({delta})
    INSERT INTO {entities} (entity_id, claims, articles)
    SELECT m.entity_id, 0, SUM(d.sign)
    FROM delta d JOIN articles_article_mentions m ON m.article_id = d.id
    GROUP BY 1 HAVING SUM(d.sign) <> 0 ORDER BY 1
    {upsert_entity_articles};
    RETURN NULL;
END
$$;
"""

PG_TABLES = {
    # table: (function template, deltas)
    "articles_claim": (PG_CLAIM, CLAIM_DELTA),
    "articles_claim_subjects": (PG_SUBJECT, SUBJECT_DELTA),
    "articles_article_mentions": (PG_MENTION, MENTION_DELTA),
    "articles_article": (PG_ARTICLE, ARTICLE_DELTA),
}
REFERENCING = {
    "insert": "REFERENCING NEW TABLE AS new_rows",
    "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "REFERENCING OLD TABLE AS old_rows",
}


def _postgresql_create() -> list[str]:
    names = {
        "claims": CLAIMS,
        "entities": ENTITIES,
        "units": UNITS,
        "events": EVENTS,
        "upsert_claims": _upsert(CLAIMS),
        "upsert_entity_claims": _upsert(ENTITIES, "claims"),
        "upsert_entity_articles": _upsert(ENTITIES, "articles"),
        "upsert_units": _upsert(UNITS),
        "upsert_events": _upsert(EVENTS),
        "unit": CHART_UNIT.format(r="d"),
    }
    statements = []
    for table, (template, deltas) in PG_TABLES.items():
        for op, delta in deltas.items():
            statements.append(template.format(op=op, delta=delta, **names))
            statements.append(
                f"CREATE TRIGGER {table}_tallies_{op} AFTER {op.upper()} ON {table} "
                f"{REFERENCING[op]} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION {table}_tallies_{op}()"
            )
    return statements


def _postgresql_drop() -> list[str]:
    statements = []
    for table, (_, deltas) in PG_TABLES.items():
        for op in deltas:
            statements.append(f"DROP TRIGGER {table}_tallies_{op} ON {table}")
            statements.append(f"DROP FUNCTION {table}_tallies_{op}()")
    return statements


# ---------------------------------------------------------------------------------------------
# SQLite: a row trigger per operation, counting the row as it was (OLD, -1) and as it is
# (NEW, +1). An upsert's SELECT carries a WHERE clause, which SQLite needs to parse the
# ON CONFLICT after it.

def _prune(table: str) -> str:
    if table == ENTITIES:
        return f"DELETE FROM {table} WHERE claims <= 0 AND articles <= 0;"
    return f"DELETE FROM {table} WHERE n <= 0;"


def _sqlite_claim(r: str, sign: int) -> str:
    return f"""
        INSERT INTO {CLAIMS} (entity_id, status, n)
        SELECT entity_id, {r}.status, {sign} FROM (
            SELECT {r}.speaker_id AS entity_id WHERE {r}.speaker_id IS NOT NULL
            UNION ALL
            SELECT entity_id FROM articles_claim_subjects
            WHERE claim_id = {r}.id AND entity_id IS NOT {r}.speaker_id
        ) WHERE {r}.public_from IS NOT NULL
        {_upsert(CLAIMS)};
        INSERT INTO {ENTITIES} (entity_id, claims, articles)
        SELECT entity_id, {sign}, 0 FROM (
            SELECT {r}.speaker_id AS entity_id WHERE {r}.speaker_id IS NOT NULL
            UNION ALL
            SELECT entity_id FROM articles_claim_subjects
            WHERE claim_id = {r}.id AND entity_id IS NOT {r}.speaker_id
        ) WHERE {r}.public_from IS NOT NULL
        {_upsert(ENTITIES, "claims")};
        INSERT INTO {UNITS} (unit, n)
        SELECT {CHART_UNIT.format(r=r)}, {sign}
        WHERE {r}.public_from IS NOT NULL AND {r}.amount IS NOT NULL
        {_upsert(UNITS)};"""


def _sqlite_subject(r: str, sign: int) -> str:
    return f"""
        INSERT INTO {CLAIMS} (entity_id, status, n)
        SELECT {r}.entity_id, c.status, {sign} FROM articles_claim c
        WHERE c.id = {r}.claim_id AND c.public_from IS NOT NULL
            AND {r}.entity_id IS NOT c.speaker_id
        {_upsert(CLAIMS)};
        INSERT INTO {ENTITIES} (entity_id, claims, articles)
        SELECT {r}.entity_id, {sign}, 0 FROM articles_claim c
        WHERE c.id = {r}.claim_id AND c.public_from IS NOT NULL
            AND {r}.entity_id IS NOT c.speaker_id
        {_upsert(ENTITIES, "claims")};"""


def _sqlite_mention(r: str, sign: int) -> str:
    return f"""
        INSERT INTO {ENTITIES} (entity_id, claims, articles)
        SELECT {r}.entity_id, 0, {sign} FROM articles_article a
        WHERE a.id = {r}.article_id AND a.status = 'published'
        {_upsert(ENTITIES, "articles")};"""


def _sqlite_article(r: str, sign: int) -> str:
    return f"""
        INSERT INTO {EVENTS} (event_id, n)
        SELECT {r}.event_id, {sign} WHERE {r}.status = 'published' AND {r}.event_id IS NOT NULL
        {_upsert(EVENTS)};
        INSERT INTO {ENTITIES} (entity_id, claims, articles)
        SELECT entity_id, 0, {sign} FROM articles_article_mentions
        WHERE article_id = {r}.id AND {r}.status = 'published'
        {_upsert(ENTITIES, "articles")};"""


def _sqlite_changed(counted: str) -> str:
    return f"{counted.format(r='OLD')} IS NOT {counted.format(r='NEW')}"


SQLITE_PRUNE = {
    "articles_claim": _prune(CLAIMS) + _prune(ENTITIES) + _prune(UNITS),
    "articles_claim_subjects": _prune(CLAIMS) + _prune(ENTITIES),
    "articles_article_mentions": _prune(ENTITIES),
    "articles_article": _prune(EVENTS) + _prune(ENTITIES),
}
SQLITE_ROWS = {
    "articles_claim": (_sqlite_claim, CLAIM_COUNTED),
    "articles_claim_subjects": (_sqlite_subject, "({r}.claim_id, {r}.entity_id)"),
    "articles_article_mentions": (_sqlite_mention, "({r}.article_id, {r}.entity_id)"),
    "articles_article": (_sqlite_article, ARTICLE_COUNTED),
}


def _sqlite_triggers() -> dict[str, str]:
    triggers = {}
    for table, (count, counted) in SQLITE_ROWS.items():
        prune = SQLITE_PRUNE[table]
        triggers[f"{table}_tallies_insert"] = (
            f"AFTER INSERT ON {table} BEGIN {count('NEW', 1)} {prune} END"
        )
        triggers[f"{table}_tallies_update"] = (
            f"AFTER UPDATE ON {table} WHEN {_sqlite_changed(counted)} "
            f"BEGIN {count('OLD', -1)} {count('NEW', 1)} {prune} END"
        )
        triggers[f"{table}_tallies_delete"] = (
            f"AFTER DELETE ON {table} BEGIN {count('OLD', -1)} {prune} END"
        )
    return triggers


# The tallies from scratch (``articles.tallies.recount`` runs the same; this copy is frozen
# with the migration).
RECOUNT = f"""
DELETE FROM {CLAIMS};
INSERT INTO {CLAIMS} (entity_id, status, n)
SELECT entity_id, status, COUNT(*) FROM (
    SELECT speaker_id AS entity_id, status FROM articles_claim
    WHERE public_from IS NOT NULL AND speaker_id IS NOT NULL
    UNION ALL
    SELECT s.entity_id, c.status
    FROM articles_claim c JOIN articles_claim_subjects s ON s.claim_id = c.id
    WHERE c.public_from IS NOT NULL AND (c.speaker_id IS NULL OR s.entity_id <> c.speaker_id)
) involved GROUP BY entity_id, status;
DELETE FROM {ENTITIES};
INSERT INTO {ENTITIES} (entity_id, claims, articles)
SELECT entity_id, SUM(claims), SUM(articles) FROM (
    SELECT entity_id, n AS claims, 0 AS articles FROM {CLAIMS}
    UNION ALL
    SELECT m.entity_id, 0, 1
    FROM articles_article_mentions m JOIN articles_article a ON a.id = m.article_id
    WHERE a.status = 'published'
) counted GROUP BY entity_id;
DELETE FROM {UNITS};
INSERT INTO {UNITS} (unit, n)
SELECT {CHART_UNIT.format(r="articles_claim")}, COUNT(*) FROM articles_claim
WHERE public_from IS NOT NULL AND amount IS NOT NULL GROUP BY 1;
DELETE FROM {EVENTS};
INSERT INTO {EVENTS} (event_id, n)
SELECT event_id, COUNT(*) FROM articles_article
WHERE status = 'published' AND event_id IS NOT NULL GROUP BY event_id;
"""


def _run_script(schema_editor, script: str) -> None:
    for statement in schema_editor.connection.ops.prepare_sql_script(script):
        schema_editor.execute(statement, params=None)


def create_triggers(apps, schema_editor) -> None:
    """The triggers, and the tallies counted from scratch."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in _postgresql_create():
            schema_editor.execute(statement, params=None)
    elif vendor == "sqlite":
        for name, body in _sqlite_triggers().items():
            schema_editor.execute(f"CREATE TRIGGER {name} {body}", params=None)
    else:
        raise NotImplementedError(f"No tally triggers for {vendor}.")
    _run_script(schema_editor, RECOUNT)


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
        ('articles', '0010_entity_page_indexes'),
        ('entities', '0004_entity_redirect'),
    ]

    operations = [
        migrations.CreateModel(
            name='ChartUnitTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('unit', models.CharField(max_length=16, unique=True)),
                ('n', models.IntegerField(default=0)),
            ],
            options={
                'db_table': 'articles_tally_chart_units',
                'ordering': ['unit'],
            },
        ),
        migrations.CreateModel(
            name='EntityTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('claims', models.IntegerField(default=0)),
                ('articles', models.IntegerField(default=0)),
                ('entity', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='entities.entity')),
            ],
            options={
                'db_table': 'articles_tally_entities',
                'ordering': ['entity'],
                'indexes': [models.Index(fields=['claims', 'articles', 'entity'], name='articles_tally_entities_rank')],
            },
        ),
        migrations.CreateModel(
            name='EventArticleTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('n', models.IntegerField(default=0)),
                ('event', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='entities.entity')),
            ],
            options={
                'db_table': 'articles_tally_event_articles',
                'ordering': ['event'],
            },
        ),
        migrations.CreateModel(
            name='EntityClaimTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(max_length=20)),
                ('n', models.IntegerField(default=0)),
                ('entity', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='entities.entity')),
            ],
            options={
                'db_table': 'articles_tally_entity_claims',
                'ordering': ['entity', 'status'],
                'constraints': [models.UniqueConstraint(fields=('entity', 'status'), name='articles_tally_claims_key')],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
