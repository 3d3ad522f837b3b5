"""Counts of published coverage read from the tallies the database keeps.

The tally tables (``EntityClaimTally``, ``EntityMentionTally``, ``ChartUnitTally``,
``EventArticleTally``; triggers in migration 0010) count what is *listed*: claims with
``public_from`` set, articles with status published whatever their time. Each read here adds
them up and subtracts what ``scheduled()`` holds back (listed, but not yet due: an index range
of a few rows), so it gives what ``published()`` would count, without a GROUP BY over
everything published: the counts' cost no longer grows with the site.

``recount()`` rebuilds the tallies from scratch (``manage.py recount_tallies``).
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Count, F, QuerySet

from entities.models import EntityKind

from .caching import content_changed
from .models import (
    Article,
    ChartUnitTally,
    Claim,
    EntityClaimTally,
    EntityMentionTally,
    EventArticleTally,
    chart_unit,
)

TALLIES = [EntityClaimTally, EntityMentionTally, ChartUnitTally, EventArticleTally]
CLAIMS, MENTIONS, UNITS, EVENTS = (model._meta.db_table for model in TALLIES)

# Migration 0010's backfill holds a frozen copy of these statements.
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
DELETE FROM {MENTIONS};
INSERT INTO {MENTIONS} (entity_id, n)
SELECT m.entity_id, COUNT(*)
FROM articles_article_mentions m JOIN articles_article a ON a.id = m.article_id
WHERE a.status = 'published' GROUP BY m.entity_id;
DELETE FROM {UNITS};
INSERT INTO {UNITS} (unit, n)
SELECT CASE WHEN equivalent_amount IS NOT NULL THEN equivalent_unit ELSE unit END, COUNT(*)
FROM articles_claim WHERE public_from IS NOT NULL AND amount IS NOT NULL GROUP BY 1;
DELETE FROM {EVENTS};
INSERT INTO {EVENTS} (event_id, n)
SELECT event_id, COUNT(*) FROM articles_article
WHERE status = 'published' AND event_id IS NOT NULL GROUP BY event_id;
"""


@transaction.atomic
def recount() -> None:
    """Count every tally again from the rows. On PostgreSQL the tallies are locked against
    the triggers' upserts first: a writer that has already counted is waited for (and its
    rows are then seen), one that has not counts after this commits."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"LOCK TABLE {CLAIMS}, {MENTIONS}, {UNITS}, {EVENTS} IN SHARE ROW EXCLUSIVE MODE"
            )
        for statement in connection.ops.prepare_sql_script(RECOUNT):
            cursor.execute(statement)
    content_changed()  # counts on cached pages may change


def _sql(queryset: QuerySet) -> tuple[str, tuple]:
    return queryset.order_by().query.sql_with_params()


def _net(tally: str, key: str, pending: list, where: str = "") -> tuple[str, list]:
    """SQL for ``(k, n)``: the tally's ``n`` per ``key`` less what ``pending`` counts (each
    a query of ``k`` and ``n``, grouped: a queryset or SQL and its parameters), and its
    parameters; ``where`` narrows the tally."""
    parts, params = [f"SELECT {key} AS k, n FROM {tally} {where}"], []
    for query in pending:
        sql, part_params = query if isinstance(query, tuple) else _sql(query)
        parts.append(f"SELECT p.k, -p.n FROM ({sql}) p")
        params += part_params
    return f"SELECT k, SUM(n) AS n FROM ({' UNION ALL '.join(parts)}) t GROUP BY k", params


def _scheduled_involvement(entity=None) -> list[QuerySet]:
    """The scheduled claims involving each entity (or only ``entity``), as ``k`` and ``n``
    per entity, or per status when ``entity`` is given: the speaker, then the subjects
    other than the speaker."""
    scheduled = Claim.objects.scheduled()
    if entity is not None:
        return [scheduled.involving_by_ids(entity).values(k=F("status")).annotate(n=Count("pk"))]
    speakers = scheduled.exclude(speaker=None).values(k=F("speaker"))
    return [speakers.annotate(n=Count("pk")), _scheduled_subjects(scheduled)]


def _scheduled_subjects(scheduled: QuerySet) -> tuple[str, tuple]:
    """SQL for ``k, n``: the scheduled claims per subject, not counting a claim's speaker.

    The subjects are looked up by the claims' ids as an array on PostgreSQL: given the ids
    as a join or an ``IN`` subquery, its planner hashed all 150,000 subject rows of the full
    benchmark data (20 ms) to find the 1,700 of the scheduled claims."""
    ids, params = _sql(scheduled.values("pk"))
    among = f"= ANY(ARRAY({ids}))" if connection.vendor == "postgresql" else f"IN ({ids})"
    subjects = Claim.subjects.through._meta.db_table
    sql = (
        f"SELECT s.entity_id AS k, COUNT(*) AS n FROM {subjects} s "
        f"JOIN {Claim._meta.db_table} c ON c.id = s.claim_id "
        f"WHERE s.claim_id {among} AND (c.speaker_id IS NULL OR c.speaker_id <> s.entity_id) "
        "GROUP BY s.entity_id"
    )
    return sql, params


MOST_CITED_SQL = """
    SELECT e.id, COALESCE(c.n, 0) AS claims, COALESCE(a.n, 0) AS articles
    FROM entities_entity e
    LEFT JOIN ({claims}) c ON c.k = e.id
    LEFT JOIN ({mentions}) a ON a.k = e.id
    WHERE e.kind <> %s AND (c.n > 0 OR a.n > 0)
    ORDER BY 2 DESC, 3 DESC, e.name{collation}, e.id
    LIMIT %s
"""


def most_cited(limit: int) -> list[tuple[int, int, int]]:
    """``(entity id, published claims, published articles mentioning it)`` of the ``limit``
    non-events with the most claims, then articles, then by name (code point by code point,
    as Python compares strings) and id; entities with neither are left out."""
    claims, claim_params = _net(CLAIMS, "entity_id", _scheduled_involvement())
    scheduled_mentions = (
        Article.mentions.through.objects.filter(article__in=Article.objects.scheduled())
        .values(k=F("entity"))
        .annotate(n=Count("article"))
    )
    mentions, mention_params = _net(MENTIONS, "entity_id", [scheduled_mentions])
    collation = ' COLLATE "C"' if connection.vendor == "postgresql" else ""  # SQLite's is binary
    sql = MOST_CITED_SQL.format(claims=claims, mentions=mentions, collation=collation)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*claim_params, *mention_params, EntityKind.EVENT, limit])
        return [tuple(row) for row in cursor.fetchall()]


def published_status_counts(entity) -> dict[str, int]:
    """Verification status -> how many of ``entity``'s published claims have it."""
    pk = getattr(entity, "pk", entity)
    sql, params = _net(
        CLAIMS, "status", _scheduled_involvement(entity), where="WHERE entity_id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} HAVING SUM(n) > 0", [pk, *params])
        return {status: int(n) for status, n in cursor.fetchall()}


def published_unit_sizes() -> dict[str, int]:
    """Chart unit -> how many published figures are charted in it."""
    scheduled = (
        Claim.objects.scheduled().with_figures().values(k=chart_unit()).annotate(n=Count("pk"))
    )
    sql, params = _net(UNITS, "unit", [scheduled])
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} HAVING SUM(n) > 0", params)
        return {unit: int(n) for unit, n in cursor.fetchall()}


BUSIEST_EVENT_SQL = """
    SELECT t.k FROM ({events}) t JOIN entities_entity e ON e.id = t.k
    WHERE e.kind = %s AND t.n > 0
    ORDER BY t.n DESC, e.name, e.id
    LIMIT 1
"""


def busiest_event_id() -> int | None:
    """The id of the event with the most published articles (ties by name), or None."""
    scheduled = Article.objects.scheduled().exclude(event=None).values(k=F("event"))
    events, params = _net(EVENTS, "event_id", [scheduled.annotate(n=Count("pk"))])
    with connection.cursor() as cursor:
        cursor.execute(BUSIEST_EVENT_SQL.format(events=events), [*params, EntityKind.EVENT])
        row = cursor.fetchone()
    return row[0] if row else None
