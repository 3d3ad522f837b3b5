"""A tally of listed links per source, kept by database triggers, for lists of public sources
(``articles.models.SourceTally``, read by ``Source.objects.public_listing()``), and an index
in the API's order of sources (title, id), so that a page is read from it.

A source is public when a published article cites it or it backs a published claim. The
tally counts what is *listed*, as 0011's tallies do: citations in articles with status
published whatever their time, and backings of claims with ``public_from`` set. The read
subtracts the links of the few listed articles and claims whose time has not come, so a list
of public sources no longer looks at every citation and backing (the API's source list took
PostgreSQL 450 ms for its count and page on the full benchmark data).

Triggers apply each write as a delta (``INSERT ... ON CONFLICT DO UPDATE SET n = n + d``):

- a citation added, removed or moved (counted for an article with status published);
- a claim's source added, removed or moved (counted for a listed claim);
- an article inserted, deleted, or updated into or out of status published;
- a claim inserted, deleted, or updated into or out of being listed (including by the
  ``public_from`` triggers of migration 0008).

An article (claim) deleted before or after its citation (backing) rows is subtracted once
either way, as in 0011: the link rows that remain when it goes are subtracted with it, and a
link row deleted after it finds nothing to count for.

PostgreSQL: statement-level AFTER triggers with transition tables; the link tables' triggers
lock the articles (claims) they count for FOR SHARE before reading them, as 0008 and 0011 do,
and the upserts go in key order. SQLite: AFTER row triggers; rows left at zero or below are
removed.

As with 0008 and 0011, SQLite drops a table's triggers when a migration rebuilds it: a later
migration remaking articles_citation, articles_claimsource, articles_article or
articles_claim must call ``create_triggers`` of this migration again.
"""

import django.db.models.deletion
from django.db import migrations, models

SOURCES = "articles_tally_sources"
UPSERT = f"ON CONFLICT (source_id) DO UPDATE SET n = {SOURCES}.n + excluded.n"

# (link table, parent column, parent table, what makes the parent's links count)
LINKS = {
    "articles_citation": ("article_id", "articles_article", "status = 'published'"),
    "articles_claimsource": ("claim_id", "articles_claim", "public_from IS NOT NULL"),
}
# (parent table, link table, parent column, what makes the parent's links count)
PARENTS = {
    "articles_article": ("articles_citation", "article_id", "status = 'published'"),
    "articles_claim": ("articles_claimsource", "claim_id", "public_from IS NOT NULL"),
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL


def _link_delta(parent: str) -> dict[str, str]:
    moved = f"(o.{parent}, o.source_id) IS DISTINCT FROM (n.{parent}, n.source_id)"
    return {
        "insert": f"SELECT 1 AS sign, {parent} AS parent_id, source_id FROM new_rows",
        "delete": f"SELECT -1 AS sign, {parent} AS parent_id, source_id FROM old_rows",
        "update": " UNION ALL ".join(
            f"SELECT {sign} AS sign, {side}.{parent} AS parent_id, {side}.source_id"
            f" FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE {moved}"
            for sign, side in ((-1, "o"), (1, "n"))
        ),
    }


def _parent_delta(counts: str) -> dict[str, str]:
    def side(r: str) -> str:
        return counts.replace("status", f"{r}.status").replace("public_from", f"{r}.public_from")

    return {
        "insert": f"SELECT 1 AS sign, id FROM new_rows WHERE {counts}",
        "delete": f"SELECT -1 AS sign, id FROM old_rows WHERE {counts}",
        "update": (
            f"SELECT CASE WHEN {side('n')} THEN 1 ELSE -1 END AS sign, n.id"
            " FROM old_rows o JOIN new_rows n ON n.id = o.id"
            f" WHERE ({side('o')}) IS DISTINCT FROM ({side('n')})"
        ),
    }


PG_LINK = """
CREATE FUNCTION {table}_source_tallies_{op}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM {parent_table}
    WHERE id IN (SELECT parent_id FROM ({delta}) d) ORDER BY id FOR SHARE;
    WITH delta AS ({delta})
    INSERT INTO {sources} (source_id, n)
    SELECT d.source_id, SUM(d.sign)
    FROM delta d JOIN {parent_table} p ON p.id = d.parent_id
    WHERE p.{counts}
    GROUP BY 1 HAVING SUM(d.sign) <> 0 ORDER BY 1
    {upsert};
    RETURN NULL;
END
$$;
"""

PG_PARENT = """
CREATE FUNCTION {table}_source_tallies_{op}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    WITH delta AS ({delta})
    INSERT INTO {sources} (source_id, n)
    SELECT l.source_id, SUM(d.sign)
    FROM delta d JOIN {link_table} l ON l.{parent} = d.id
    GROUP BY 1 HAVING SUM(d.sign) <> 0 ORDER BY 1
    {upsert};
    RETURN NULL;
END
$$;
"""

REFERENCING = {
    "insert": "REFERENCING NEW TABLE AS new_rows",
    "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "REFERENCING OLD TABLE AS old_rows",
}


def _postgresql_functions() -> dict[tuple[str, str], str]:
    functions = {}
    for table, (parent, parent_table, counts) in LINKS.items():
        for op, delta in _link_delta(parent).items():
            functions[(table, op)] = PG_LINK.format(
                table=table,
                op=op,
                delta=delta,
                parent_table=parent_table,
                counts=counts,
                sources=SOURCES,
                upsert=UPSERT,
            )
    for table, (link_table, parent, counts) in PARENTS.items():
        for op, delta in _parent_delta(counts).items():
            functions[(table, op)] = PG_PARENT.format(
                table=table,
                op=op,
                delta=delta,
                link_table=link_table,
                parent=parent,
                sources=SOURCES,
                upsert=UPSERT,
            )
    return functions


def _postgresql_create() -> list[str]:
    statements = []
    for (table, op), function in _postgresql_functions().items():
        statements.append(function)
        statements.append(
            f"CREATE TRIGGER {table}_source_tallies_{op} AFTER {op.upper()} ON {table} "
            f"{REFERENCING[op]} FOR EACH STATEMENT "
            f"EXECUTE FUNCTION {table}_source_tallies_{op}()"
        )
    return statements


def _postgresql_drop() -> list[str]:
    statements = []
    for table, op in _postgresql_functions():
        statements.append(f"DROP TRIGGER {table}_source_tallies_{op} ON {table}")
        statements.append(f"DROP FUNCTION {table}_source_tallies_{op}()")
    return statements


# ---------------------------------------------------------------------------------------------
# SQLite: a row trigger per operation, counting the row as it was (OLD, -1) and as it is
# (NEW, +1). An upsert's SELECT carries a WHERE clause, which SQLite needs to parse the
# ON CONFLICT after it.

PRUNE = f"DELETE FROM {SOURCES} WHERE n <= 0;"


def _sqlite_link(parent: str, parent_table: str, counts: str):
    def count(r: str, sign: int) -> str:
        return f"""
        INSERT INTO {SOURCES} (source_id, n)
        SELECT {r}.source_id, {sign} FROM {parent_table} p
        WHERE p.id = {r}.{parent} AND p.{counts}
        {UPSERT};"""

    return count, f"({{r}}.{parent}, {{r}}.source_id)"


def _sqlite_parent(link_table: str, parent: str, counts: str):
    def count(r: str, sign: int) -> str:
        condition = counts.replace("status", f"{r}.status").replace(
            "public_from", f"{r}.public_from"
        )
        return f"""
        INSERT INTO {SOURCES} (source_id, n)
        SELECT source_id, {sign} FROM {link_table}
        WHERE {parent} = {r}.id AND {condition}
        {UPSERT};"""

    counted = counts.replace("status", "{r}.status").replace("public_from", "{r}.public_from")
    return count, f"({counted})"


def _sqlite_triggers() -> dict[str, str]:
    rows = {table: _sqlite_link(*spec) for table, spec in LINKS.items()}
    rows |= {table: _sqlite_parent(*spec) for table, spec in PARENTS.items()}
    triggers = {}
    for table, (count, counted) in rows.items():
        changed = f"{counted.format(r='OLD')} IS NOT {counted.format(r='NEW')}"
        triggers[f"{table}_source_tallies_insert"] = (
            f"AFTER INSERT ON {table} BEGIN {count('NEW', 1)} {PRUNE} END"
        )
        triggers[f"{table}_source_tallies_update"] = (
            f"AFTER UPDATE ON {table} WHEN {changed} "
            f"BEGIN {count('OLD', -1)} {count('NEW', 1)} {PRUNE} END"
        )
        triggers[f"{table}_source_tallies_delete"] = (
            f"AFTER DELETE ON {table} BEGIN {count('OLD', -1)} {PRUNE} END"
        )
    return triggers


# The tally from scratch (``articles.tallies.recount`` runs the same; this copy is frozen
# with the migration).
RECOUNT = f"""
DELETE FROM {SOURCES};
INSERT INTO {SOURCES} (source_id, n)
SELECT source_id, COUNT(*) FROM (
    SELECT c.source_id FROM articles_citation c
    JOIN articles_article a ON a.id = c.article_id WHERE a.status = 'published'
    UNION ALL
    SELECT l.source_id FROM articles_claimsource l
    JOIN articles_claim c ON c.id = l.claim_id WHERE c.public_from IS NOT NULL
) listed GROUP BY source_id;
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
        ("articles", "0015_reader_list_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="SourceTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("n", models.IntegerField(default=0)),
                (
                    "source",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="articles.source",
                    ),
                ),
            ],
            options={
                "db_table": "articles_tally_sources",
                "ordering": ["source"],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.AddIndex(
            model_name="source",
            index=models.Index(fields=["title", "id"], name="source_title_order"),
        ),
    ]
