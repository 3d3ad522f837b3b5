"""PostgreSQL search for entities: a weighted full-text document and trigram indexes.

``entities_entity.search_document`` (tsvector, kept by triggers) holds the name (weight A), the
aliases (B) and the description (C), English configuration, with a GIN index. Trigram (pg_trgm)
GIN indexes on entity and alias names let misspelt names ("SK Hinix") still match. The column
is not a model field: only ``entities/search.py`` reads it. Nothing happens on SQLite.
"""

from django.db import migrations

from coverage_site.migration_operations import PostgreSQLOnly

DOCUMENT = """
CREATE FUNCTION entities_entity_document(name text, aliases text, description text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('english', coalesce(name, '')), 'A')
        || setweight(to_tsvector('english', coalesce(aliases, '')), 'B')
        || setweight(to_tsvector('english', coalesce(description, '')), 'C')
$$;

CREATE FUNCTION entities_entity_aliases(entity bigint)
RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT string_agg(name, ' ' ORDER BY name) FROM entities_entityalias WHERE entity_id = entity
$$;

ALTER TABLE entities_entity ADD COLUMN search_document tsvector NOT NULL DEFAULT '';

CREATE FUNCTION entities_entity_search_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_document := entities_entity_document(
        NEW.name, entities_entity_aliases(NEW.id), NEW.description
    );
    RETURN NEW;
END
$$;

CREATE TRIGGER entities_entity_search_insert BEFORE INSERT ON entities_entity
    FOR EACH ROW EXECUTE FUNCTION entities_entity_search_document();
CREATE TRIGGER entities_entity_search_update BEFORE UPDATE ON entities_entity
    FOR EACH ROW WHEN (
        OLD.name IS DISTINCT FROM NEW.name OR OLD.description IS DISTINCT FROM NEW.description
    )
    EXECUTE FUNCTION entities_entity_search_document();

CREATE FUNCTION entities_entityalias_search_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE entities_entity
       SET search_document = entities_entity_document(
               name, entities_entity_aliases(id), description
           )
     WHERE id IN (OLD.entity_id, NEW.entity_id);
    RETURN NULL;
END
$$;

CREATE TRIGGER entities_entityalias_search AFTER INSERT OR UPDATE OR DELETE
    ON entities_entityalias
    FOR EACH ROW EXECUTE FUNCTION entities_entityalias_search_document();

UPDATE entities_entity
   SET search_document = entities_entity_document(name, entities_entity_aliases(id), description);

CREATE INDEX entities_entity_search_gin ON entities_entity USING gin (search_document);
"""

DROP_DOCUMENT = """
DROP INDEX entities_entity_search_gin;
DROP TRIGGER entities_entityalias_search ON entities_entityalias;
DROP FUNCTION entities_entityalias_search_document();
DROP TRIGGER entities_entity_search_update ON entities_entity;
DROP TRIGGER entities_entity_search_insert ON entities_entity;
DROP FUNCTION entities_entity_search_document();
ALTER TABLE entities_entity DROP COLUMN search_document;
DROP FUNCTION entities_entity_aliases(bigint);
DROP FUNCTION entities_entity_document(text, text, text);
"""

TRIGRAMS = """
CREATE INDEX entities_entity_name_trgm ON entities_entity USING gin (name gin_trgm_ops);
CREATE INDEX entities_entityalias_name_trgm ON entities_entityalias USING gin (name gin_trgm_ops);
"""

DROP_TRIGRAMS = """
DROP INDEX entities_entityalias_name_trgm;
DROP INDEX entities_entity_name_trgm;
"""


class Migration(migrations.Migration):
    dependencies = [("entities", "0001_initial")]

    operations = [
        # Reversing keeps the extension: other database objects may have come to rely on it.
        PostgreSQLOnly("CREATE EXTENSION IF NOT EXISTS pg_trgm", migrations.RunSQL.noop),
        PostgreSQLOnly(DOCUMENT, DROP_DOCUMENT),
        PostgreSQLOnly(TRIGRAMS, DROP_TRIGRAMS),
    ]
