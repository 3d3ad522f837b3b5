"""Export all coverage to one JSON file and restore it into an empty database, identically.

The file holds articles, citations, claims (with sources and appearances), corrections, workflow
steps, entities (aliases, relations), sources and the full edit history, with primary keys kept
so links, URLs and history line up after a restore. Users appear by username only (no password
hashes leave the building); a restore creates missing ones without a usable password.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .caching import content_changed
from .stored_body import store_bodies_on_commit

FORMAT = "summit-coverage-export"
VERSION = 1

# Dependency order: everything a row points at comes before it.
MODELS = [
    "entities.Entity",
    "entities.EntityAlias",
    "entities.EntityRedirect",
    "articles.Source",
    "entities.EntityRelation",
    "articles.Article",
    "articles.Citation",
    "articles.Claim",
    "articles.ClaimSource",
    "articles.ClaimAppearance",
    "articles.CorrectionNote",
    "articles.ArticleTransition",
    "entities.HistoricalEntity",
    "articles.HistoricalSource",
    "articles.HistoricalArticle",
    "articles.HistoricalCitation",
    "articles.HistoricalClaim",
]
# Added after version 1 exports were first written: an export without them restores none.
ADDED_MODELS = {"entities.EntityRedirect"}
CONTENT_MODELS = ["articles.Article", "articles.Claim", "articles.Source", "entities.Entity"]
USER_FIELDS = ("username", "first_name", "last_name", "email", "is_staff", "is_active")


class BackupError(Exception):
    """The export file cannot be restored; the message says why."""


def _users() -> list[dict[str, Any]]:
    user_model = get_user_model()
    return [
        {
            **{field: getattr(user, field) for field in USER_FIELDS},
            "pk": user.pk,
            "groups": sorted(user.groups.values_list("name", flat=True)),
        }
        for user in user_model.objects.prefetch_related("groups").order_by("pk")
    ]


def coverage_export() -> dict[str, Any]:
    """Everything, as one JSON-ready document."""
    models = {}
    for label in MODELS:
        model = apps.get_model(label)
        models[label] = serializers.serialize("python", model._default_manager.order_by("pk"))
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "users": _users(),
        "models": models,
    }


class _ExactEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts datetimes to milliseconds; a backup must keep microseconds."""

    def default(self, o):
        if isinstance(o, dt.datetime):
            return o.isoformat()
        return super().default(o)


def coverage_export_to(path: Path) -> dict[str, int]:
    document = coverage_export()
    text = json.dumps(document, cls=_ExactEncoder, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return {label: len(rows) for label, rows in document["models"].items()}


def _load(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise BackupError(f"{path}: no such file.") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(f"{path} is not a Summit Coverage export (not JSON: {error}).") from error
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError(f"{path} is not a Summit Coverage export.")
    if document.get("version") != VERSION:
        raise BackupError(
            f"{path} is export version {document.get('version')}; this site reads {VERSION}."
        )
    missing = [
        label
        for label in MODELS
        if label not in document.get("models", {}) and label not in ADDED_MODELS
    ]
    if missing:
        raise BackupError(f"{path} lacks {', '.join(missing)}.")
    return document


def _restore_users(rows: list[dict[str, Any]]) -> None:
    from django.contrib.auth.models import Group

    user_model = get_user_model()
    for row in rows:
        groups = row.pop("groups", [])
        pk = row.pop("pk")
        user = user_model.objects.filter(username=row["username"]).first()
        if user is None:
            if user_model.objects.filter(pk=pk).exists():
                raise BackupError(f"User id {pk} is taken by another username; restore elsewhere.")
            user = user_model(pk=pk, **row)
            user.set_unusable_password()
            user.save()
            user.groups.set(Group.objects.filter(name__in=groups))
        elif user.pk != pk:
            raise BackupError(
                f"User “{row['username']}” has id {user.pk} here but {pk} in the export."
            )


def _tables() -> list[str]:
    return [apps.get_model(label)._meta.db_table for label in MODELS]


def _reset_sequences() -> None:
    models = [apps.get_model(label) for label in MODELS] + [get_user_model()]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@transaction.atomic
def coverage_import_from(path: Path) -> dict[str, int]:
    """Restore an export into an empty database; all or nothing."""
    document = _load(path)
    for label in CONTENT_MODELS:
        if apps.get_model(label)._default_manager.exists():
            raise BackupError(
                "The database already holds coverage; restore into an empty database."
            )
    _restore_users(document.get("users", []))
    counts = {}
    for label in MODELS:
        rows = document["models"].get(label, [])
        try:
            objects = list(serializers.deserialize("python", rows))
        except (DeserializationError, KeyError, TypeError, ValueError) as error:
            raise BackupError(f"{label} rows cannot be read: {error}") from error
        try:
            for deserialized in objects:
                deserialized.save()
        except IntegrityError as error:
            raise BackupError(f"{label} rows conflict: {error}") from error
        counts[label] = len(objects)
    try:
        # Foreign keys may be checked only at commit (SQLite); check them now, as loaddata does.
        connection.check_constraints(table_names=_tables())
    except IntegrityError as error:
        raise BackupError(f"The export's links do not resolve: {error}") from error
    _reset_sequences()
    content_changed()
    # Raw saves send no usable signals (the rows they would read may not be restored yet).
    store_bodies_on_commit(
        article_ids=apps.get_model("articles.Article").objects.values_list("pk", flat=True)
    )
    return counts
