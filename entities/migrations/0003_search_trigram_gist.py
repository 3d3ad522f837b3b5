"""GiST trigram indexes on entity and alias names, for nearest-name (KNN) lookups.

``entities/search.py`` asks the search page's fuzzy question as "the closest names first, at
most N" (``ORDER BY name <-> 'query' LIMIT N``), which only a GiST index can answer without
reading every name: a common word shares trigrams with most names, and then the GIN indexes of
``0002_search`` are no faster than a sequential scan. The GIN indexes stay for the API's
unlimited fuzzy matches. Nothing happens on SQLite.
"""

from django.db import migrations

from coverage_site.migration_operations import PostgreSQLOnly

GIST = """
CREATE INDEX entities_entity_name_trgm_gist ON entities_entity USING gist (name gist_trgm_ops);
CREATE INDEX entities_entityalias_name_trgm_gist
    ON entities_entityalias USING gist (name gist_trgm_ops);
"""

DROP_GIST = """
DROP INDEX entities_entityalias_name_trgm_gist;
DROP INDEX entities_entity_name_trgm_gist;
"""


class Migration(migrations.Migration):
    dependencies = [("entities", "0002_search")]

    operations = [PostgreSQLOnly(GIST, DROP_GIST)]
