"""Migration operations that only mean something on PostgreSQL.

Full-text documents, their triggers and the GIN and trigram indexes exist on PostgreSQL only;
on SQLite (development, the default test run) these operations do nothing in either direction,
so the same migrations apply and reverse on both.
"""

from __future__ import annotations

from django.db import migrations


class PostgreSQLOnly(migrations.RunSQL):
    """``RunSQL`` that runs on PostgreSQL and is a no-op elsewhere, forwards and backwards."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self) -> str:
        return "Raw SQL operation (PostgreSQL only)"
