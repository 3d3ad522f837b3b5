"""A small second document for ranking articles cheaply: headline (A) and standfirst (B).

``articles_article.search_head`` is kept by the same trigger as ``search_document`` and has its
own GIN index. ``articles/search.py`` ranks search-page candidates by it: it is a few hundred
bytes stored in the row, whereas the full document (with the body) is often TOASTed, and ranking
or re-checking thousands of those per query was most of the search page's time. Nothing happens
on SQLite.
"""

from django.db import migrations

from coverage_site.migration_operations import PostgreSQLOnly

HEAD = """
CREATE FUNCTION articles_article_head(title text, standfirst text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('english', coalesce(title, '')), 'A')
        || setweight(to_tsvector('english', coalesce(standfirst, '')), 'B')
$$;

ALTER TABLE articles_article ADD COLUMN search_head tsvector NOT NULL DEFAULT '';

CREATE OR REPLACE FUNCTION articles_article_search_document() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_document := articles_article_document(NEW.title, NEW.standfirst, NEW.body);
    NEW.search_head := articles_article_head(NEW.title, NEW.standfirst);
    RETURN NEW;
END
$$;

UPDATE articles_article SET search_head = articles_article_head(title, standfirst);

CREATE INDEX articles_article_search_head_gin ON articles_article USING gin (search_head);
"""

DROP_HEAD = """
DROP INDEX articles_article_search_head_gin;

CREATE OR REPLACE FUNCTION articles_article_search_document() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_document := articles_article_document(NEW.title, NEW.standfirst, NEW.body);
    RETURN NEW;
END
$$;

ALTER TABLE articles_article DROP COLUMN search_head;
DROP FUNCTION articles_article_head(text, text);
"""


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_search")]

    operations = [PostgreSQLOnly(HEAD, DROP_HEAD)]
