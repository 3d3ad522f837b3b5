"""``Claim.public_from``: when readers may first see a claim, kept by the database.

It is the earliest ``published_at`` of the articles with status ``published`` the claim appears
in (NULL when there is none); ``Claim.objects.published()`` compares it with the clock, so a
scheduled article's claims still appear when its time passes. Triggers keep it right for every
write, whatever issues it (ORM saves, ``update()``, ``bulk_create``, COPY, cascades, raw SQL):

- an appearance inserted, deleted, or moved to another claim or article: its claims again;
- an article whose status or publish time changes, or which is deleted: the claims in it again;
- a claim inserted, or updated with a different ``public_from`` (a stale instance's ``save()``
  writes back the value it loaded): the value is recomputed, so it cannot be overwritten.

PostgreSQL: statement-level AFTER triggers with transition tables on appearances and articles
(one UPDATE per statement, not per row: the benchmark build COPYs 110,000 appearances), and a
BEFORE row trigger on the claim. SQLite has no statement triggers: AFTER row triggers, the
claim's doing an UPDATE of its own row (its WHEN clause makes it stop whether or not
``recursive_triggers`` is on).

SQLite drops a table's triggers when a migration rebuilds the table ("remake"): a later
migration altering ``articles_claim``, ``articles_claimappearance`` or ``articles_article`` in a
way SQLite cannot do in place must create them again (``create_triggers`` below);
tests/articles/test_claim_publication.py fails if they are missing.
"""

from django.db import migrations, models

# The value for one claim, on either database; ``claim`` is an SQL expression for its id.
# Each article is looked up by its primary key, not joined: a join lets the planner choose to
# scan the whole article table for every claim when the tables have no statistics yet (a bulk
# load in one transaction: the benchmark builder's 100,000 claims took over 7 minutes).
PUBLIC_FROM = """(
    SELECT MIN((
        SELECT a.published_at FROM articles_article a
        WHERE a.id = ap.article_id AND a.status = 'published'
    ))
    FROM articles_claimappearance ap
    WHERE ap.claim_id = {claim}
)"""

POSTGRESQL_VALUE = f"""
CREATE FUNCTION articles_claim_public_from(claim bigint) RETURNS timestamptz
LANGUAGE sql STABLE AS $$ SELECT {PUBLIC_FROM.format(claim="claim")} $$;
"""

POSTGRESQL = """

-- Recompute the given claims, writing only those whose value changes. The claims are locked
-- first, in id order (two writers cannot deadlock on them), and the values computed after:
-- in READ COMMITTED each statement of a plpgsql function takes a new snapshot, so a writer that
-- waited for another's lock sees what that one committed, and neither overwrites the other's
-- result with a value computed without it.
CREATE FUNCTION articles_claim_refresh_public_from(claims bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(cardinality(claims), 0) = 0 THEN
        RETURN;
    END IF;
    PERFORM 1 FROM articles_claim WHERE id = ANY(claims) ORDER BY id FOR NO KEY UPDATE;
    UPDATE articles_claim c SET public_from = v.public_from
    FROM (
        SELECT id, articles_claim_public_from(id) AS public_from
        FROM (SELECT DISTINCT unnest(claims) AS id) ids
    ) v
    WHERE c.id = v.id AND c.public_from IS DISTINCT FROM v.public_from;
END
$$;

CREATE FUNCTION articles_claim_keep_public_from() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.public_from := articles_claim_public_from(NEW.id);
    RETURN NEW;
END
$$;

CREATE TRIGGER articles_claim_public_from_insert
BEFORE INSERT ON articles_claim
FOR EACH ROW EXECUTE FUNCTION articles_claim_keep_public_from();

CREATE TRIGGER articles_claim_public_from_update
BEFORE UPDATE OF public_from ON articles_claim
FOR EACH ROW WHEN (NEW.public_from IS DISTINCT FROM OLD.public_from)
EXECUTE FUNCTION articles_claim_keep_public_from();

-- An appearance written also locks its articles (FOR SHARE) before its claims are recomputed:
-- a concurrent change of such an article's status or time then waits for this transaction, or
-- this one for it, and the later of the two sees the other's rows when it recomputes.
CREATE FUNCTION articles_claimappearance_public_from() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    articles bigint[];
    claims bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(article_id), array_agg(claim_id) INTO articles, claims FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(article_id), array_agg(claim_id) INTO articles, claims FROM old_rows;
    ELSE
        SELECT array_agg(a), array_agg(c) INTO articles, claims
        FROM old_rows o JOIN new_rows n ON n.id = o.id,
            LATERAL (VALUES (o.article_id, o.claim_id), (n.article_id, n.claim_id)) AS r(a, c)
        WHERE (o.claim_id, o.article_id) IS DISTINCT FROM (n.claim_id, n.article_id);
    END IF;
    IF articles IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM 1 FROM articles_article WHERE id = ANY(articles) ORDER BY id FOR SHARE;
    PERFORM articles_claim_refresh_public_from(claims);
    RETURN NULL;
END
$$;

CREATE TRIGGER articles_claimappearance_public_from_insert
AFTER INSERT ON articles_claimappearance REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION articles_claimappearance_public_from();

CREATE TRIGGER articles_claimappearance_public_from_update
AFTER UPDATE ON articles_claimappearance REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION articles_claimappearance_public_from();

CREATE TRIGGER articles_claimappearance_public_from_delete
AFTER DELETE ON articles_claimappearance REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION articles_claimappearance_public_from();

CREATE FUNCTION articles_article_public_from() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM articles_claim_refresh_public_from(ARRAY(
            SELECT ap.claim_id FROM articles_claimappearance ap
            WHERE ap.article_id IN (SELECT id FROM old_rows WHERE status = 'published')
        ));
    ELSE
        PERFORM articles_claim_refresh_public_from(ARRAY(
            SELECT ap.claim_id FROM articles_claimappearance ap
            WHERE ap.article_id IN (
                SELECT n.id FROM old_rows o JOIN new_rows n ON n.id = o.id
                WHERE (o.status, o.published_at) IS DISTINCT FROM (n.status, n.published_at)
                    AND 'published' IN (o.status, n.status)
            )
        ));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER articles_article_public_from_update
AFTER UPDATE ON articles_article REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION articles_article_public_from();

CREATE TRIGGER articles_article_public_from_delete
AFTER DELETE ON articles_article REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION articles_article_public_from();
"""

# The backfill as a rewrite of the table (ALTER ... TYPE with USING), not an UPDATE: an UPDATE
# would write a second version of every claim row, leaving the table twice its size (4,959 ->
# 9,953 pages with the full benchmark data) and its rows out of id order until a VACUUM FULL,
# which cannot run inside the migration's transaction. ADD COLUMN holds this table's exclusive
# lock until the migration commits anyway. No trigger fires on a rewrite.
POSTGRESQL_BACKFILL = """
ALTER TABLE articles_claim
ALTER COLUMN public_from TYPE timestamptz USING articles_claim_public_from(id);
"""

POSTGRESQL_DROP = """
DROP TRIGGER articles_article_public_from_delete ON articles_article;
DROP TRIGGER articles_article_public_from_update ON articles_article;
DROP FUNCTION articles_article_public_from();
DROP TRIGGER articles_claimappearance_public_from_delete ON articles_claimappearance;
DROP TRIGGER articles_claimappearance_public_from_update ON articles_claimappearance;
DROP TRIGGER articles_claimappearance_public_from_insert ON articles_claimappearance;
DROP FUNCTION articles_claimappearance_public_from();
DROP TRIGGER articles_claim_public_from_update ON articles_claim;
DROP TRIGGER articles_claim_public_from_insert ON articles_claim;
DROP FUNCTION articles_claim_keep_public_from();
DROP FUNCTION articles_claim_refresh_public_from(bigint[]);
DROP FUNCTION articles_claim_public_from(bigint);
"""


def _sqlite_refresh(claims: str) -> str:
    """An UPDATE recomputing the claims whose ids ``claims`` (an SQL list) gives, writing only
    those whose value changes."""
    value = PUBLIC_FROM.format(claim="articles_claim.id")
    return (
        f"UPDATE articles_claim SET public_from = {value} "
        f"WHERE id IN ({claims}) AND public_from IS NOT {value};"
    )


_ARTICLE_CLAIMS = "SELECT claim_id FROM articles_claimappearance WHERE article_id = {}.id"

SQLITE_TRIGGERS = {
    # The claim's own row: computed after insert, and again when an update writes a value
    # other than the right one. The WHEN clause is false once the row is right, so the
    # trigger's own UPDATE stops there even with recursive_triggers on.
    "articles_claim_public_from_insert": f"""
        AFTER INSERT ON articles_claim
        WHEN NEW.public_from IS NOT {PUBLIC_FROM.format(claim="NEW.id")}
        BEGIN {_sqlite_refresh("NEW.id")} END""",
    "articles_claim_public_from_update": f"""
        AFTER UPDATE OF public_from ON articles_claim
        WHEN NEW.public_from IS NOT {PUBLIC_FROM.format(claim="NEW.id")}
        BEGIN {_sqlite_refresh("NEW.id")} END""",
    "articles_claimappearance_public_from_insert": f"""
        AFTER INSERT ON articles_claimappearance
        BEGIN {_sqlite_refresh("NEW.claim_id")} END""",
    "articles_claimappearance_public_from_update": f"""
        AFTER UPDATE OF claim_id, article_id ON articles_claimappearance
        BEGIN {_sqlite_refresh("OLD.claim_id, NEW.claim_id")} END""",
    "articles_claimappearance_public_from_delete": f"""
        AFTER DELETE ON articles_claimappearance
        BEGIN {_sqlite_refresh("OLD.claim_id")} END""",
    "articles_article_public_from_update": f"""
        AFTER UPDATE OF status, published_at ON articles_article
        BEGIN {_sqlite_refresh(_ARTICLE_CLAIMS.format("NEW"))} END""",
    "articles_article_public_from_delete": f"""
        AFTER DELETE ON articles_article
        BEGIN {_sqlite_refresh(_ARTICLE_CLAIMS.format("OLD"))} END""",
}


def _run_script(schema_editor, script: str) -> None:
    """Each statement of ``script`` on its own, as ``RunSQL`` does: with server-side binding
    a statement is prepared, and a prepared statement holds only one command."""
    for statement in schema_editor.connection.ops.prepare_sql_script(script):
        schema_editor.execute(statement, params=None)


def create_triggers(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run_script(schema_editor, POSTGRESQL_VALUE)
        _run_script(schema_editor, POSTGRESQL_BACKFILL)  # before the triggers depend on it
        _run_script(schema_editor, POSTGRESQL)
    elif vendor == "sqlite":
        value = PUBLIC_FROM.format(claim="articles_claim.id")
        schema_editor.execute(f"UPDATE articles_claim SET public_from = {value}", params=None)
        for name, body in SQLITE_TRIGGERS.items():
            schema_editor.execute(f"CREATE TRIGGER {name} {body}", params=None)
    else:
        raise NotImplementedError(f"No public_from triggers for {vendor}.")


def drop_triggers(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run_script(schema_editor, POSTGRESQL_DROP)
    elif vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER {name}", params=None)


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_article_body_html")]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="public_from",
            field=models.DateTimeField(
                editable=False,
                help_text="When readers may first see the claim: the earliest publish time of "
                "the published articles it appears in (None if none). Kept by database "
                "triggers (migration 0007), whatever writes the rows; never set it from "
                "Python.",
                null=True,
                serialize=False,
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(
                fields=["public_from", "speaker", "id"], name="articles_claim_public_idx"
            ),
        ),
    ]
