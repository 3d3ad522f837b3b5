"""A trigram index on claims' text, for the admin's search of the claim queue.

The admin searches with ``text__icontains``, which PostgreSQL runs as
``UPPER(text) LIKE UPPER('%word%')``: a GIN trigram index on ``upper(text)`` answers it without
reading every claim (``articles/admin/claims.py`` keeps the speaker's name out of the same
condition so the index can be used). Nothing happens on SQLite.
"""

from django.db import migrations

from coverage_site.migration_operations import PostgreSQLOnly

CREATE = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX articles_claim_text_upper_trgm ON articles_claim USING gin (upper(text) gin_trgm_ops);
"""

DROP = "DROP INDEX articles_claim_text_upper_trgm;"


class Migration(migrations.Migration):
    dependencies = [("articles", "0013_entity_unit_tallies")]

    operations = [PostgreSQLOnly(CREATE, DROP)]
