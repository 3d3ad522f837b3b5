"""PostgreSQL full-text documents for articles and claims, kept by triggers, with GIN indexes.

``articles_article.search_document``: headline (weight A), standfirst (B), body (C).
``articles_claim.search_document``: wording (A), the speaker's name (B); renaming an entity
refreshes the claims it spoke. English configuration throughout, as in ``articles/search.py``.
The columns are not model fields (nothing loads them by accident); only the search module reads
them. Triggers rather than generated columns, so a later migration may still change the type of
the columns they read. Nothing happens on SQLite.
"""

from django.db import migrations

from coverage_site.migration_operations import PostgreSQLOnly

ARTICLES = """
CREATE FUNCTION articles_article_document(title text, standfirst text, body text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('english', coalesce(title, '')), 'A')
        || setweight(to_tsvector('english', coalesce(standfirst, '')), 'B')
        || setweight(to_tsvector('english', coalesce(body, '')), 'C')
$$;

ALTER TABLE articles_article ADD COLUMN search_document tsvector NOT NULL DEFAULT '';

CREATE FUNCTION articles_article_search_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_document := articles_article_document(NEW.title, NEW.standfirst, NEW.body);
    RETURN NEW;
END
$$;

CREATE TRIGGER articles_article_search_insert BEFORE INSERT ON articles_article
    FOR EACH ROW EXECUTE FUNCTION articles_article_search_document();
CREATE TRIGGER articles_article_search_update BEFORE UPDATE ON articles_article
    FOR EACH ROW WHEN (
        OLD.title IS DISTINCT FROM NEW.title
        OR OLD.standfirst IS DISTINCT FROM NEW.standfirst
        OR OLD.body IS DISTINCT FROM NEW.body
    )
    EXECUTE FUNCTION articles_article_search_document();

UPDATE articles_article SET search_document = articles_article_document(title, standfirst, body);

CREATE INDEX articles_article_search_gin ON articles_article USING gin (search_document);
"""

DROP_ARTICLES = """
DROP INDEX articles_article_search_gin;
DROP TRIGGER articles_article_search_update ON articles_article;
DROP TRIGGER articles_article_search_insert ON articles_article;
DROP FUNCTION articles_article_search_document();
ALTER TABLE articles_article DROP COLUMN search_document;
DROP FUNCTION articles_article_document(text, text, text);
"""

CLAIMS = """
CREATE FUNCTION articles_claim_document(wording text, speaker text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('english', coalesce(wording, '')), 'A')
        || setweight(to_tsvector('english', coalesce(speaker, '')), 'B')
$$;

ALTER TABLE articles_claim ADD COLUMN search_document tsvector NOT NULL DEFAULT '';

CREATE FUNCTION articles_claim_search_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_document := articles_claim_document(
        NEW.text, (SELECT name FROM entities_entity WHERE id = NEW.speaker_id)
    );
    RETURN NEW;
END
$$;

CREATE TRIGGER articles_claim_search_insert BEFORE INSERT ON articles_claim
    FOR EACH ROW EXECUTE FUNCTION articles_claim_search_document();
CREATE TRIGGER articles_claim_search_update BEFORE UPDATE ON articles_claim
    FOR EACH ROW WHEN (
        OLD.text IS DISTINCT FROM NEW.text OR OLD.speaker_id IS DISTINCT FROM NEW.speaker_id
    )
    EXECUTE FUNCTION articles_claim_search_document();

CREATE FUNCTION articles_claim_speaker_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE articles_claim
       SET search_document = articles_claim_document(text, NEW.name)
     WHERE speaker_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER articles_claim_speaker_renamed AFTER UPDATE ON entities_entity
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION articles_claim_speaker_renamed();

UPDATE articles_claim AS claim
   SET search_document = articles_claim_document(
           claim.text, (SELECT name FROM entities_entity WHERE id = claim.speaker_id)
       );

CREATE INDEX articles_claim_search_gin ON articles_claim USING gin (search_document);
"""

DROP_CLAIMS = """
DROP INDEX articles_claim_search_gin;
DROP TRIGGER articles_claim_speaker_renamed ON entities_entity;
DROP FUNCTION articles_claim_speaker_renamed();
DROP TRIGGER articles_claim_search_update ON articles_claim;
DROP TRIGGER articles_claim_search_insert ON articles_claim;
DROP FUNCTION articles_claim_search_document();
ALTER TABLE articles_claim DROP COLUMN search_document;
DROP FUNCTION articles_claim_document(text, text);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_roles_claim_sources"),
        ("entities", "0002_search"),
    ]

    operations = [
        PostgreSQLOnly(ARTICLES, DROP_ARTICLES),
        PostgreSQLOnly(CLAIMS, DROP_CLAIMS),
    ]
