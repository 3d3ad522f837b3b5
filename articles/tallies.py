"""Counts of published coverage read from the tallies the database keeps.

The tally tables (``EntityClaimTally``, ``EntityTally``, ``ChartUnitTally``,
``EventArticleTally``, triggers in migration 0011; ``EntityChartUnitTally``, 0013;
``SourceTally``, 0016) count what is *listed*: claims with ``public_from`` set, articles with
status published whatever their time. Each read here adds them up and subtracts what
``scheduled()`` holds back (listed, but not yet due: an index range of a few rows), so it
gives what ``published()`` would count, without a GROUP BY over everything published: the
counts' cost no longer grows with the site. (``SourceTally`` is read by
``Source.objects.public_listing()``.)

``recount()`` rebuilds the tallies from scratch (``manage.py recount_tallies``).
"""

from __future__ import annotations

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection, transaction
from django.db.models import BooleanField, Case, Count, F, Func, Q, QuerySet, When

from coverage_site.kept_queries import kept_sql
from entities.models import EntityKind

from .caching import content_changed
from .models import (
    Article,
    ChartUnitTally,
    Claim,
    EntityChartUnitTally,
    EntityClaimTally,
    EntityTally,
    EventArticleTally,
    SourceTally,
    chart_unit,
)

TALLIES = [
    EntityClaimTally,
    EntityTally,
    ChartUnitTally,
    EventArticleTally,
    EntityChartUnitTally,
    SourceTally,
]
CLAIMS, ENTITIES, UNITS, EVENTS, ENTITY_UNITS, SOURCES = (model._meta.db_table for model in TALLIES)

# Migrations 0011, 0013 and 0016's backfills hold frozen copies of these statements.
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
DELETE FROM {ENTITIES};
INSERT INTO {ENTITIES} (entity_id, claims, articles)
SELECT entity_id, SUM(claims), SUM(articles) FROM (
    SELECT entity_id, n AS claims, 0 AS articles FROM {CLAIMS}
    UNION ALL
    SELECT m.entity_id, 0, 1
    FROM articles_article_mentions m JOIN articles_article a ON a.id = m.article_id
    WHERE a.status = 'published'
) counted GROUP BY entity_id;
DELETE FROM {UNITS};
INSERT INTO {UNITS} (unit, n)
SELECT CASE WHEN equivalent_amount IS NOT NULL THEN equivalent_unit ELSE unit END, COUNT(*)
FROM articles_claim WHERE public_from IS NOT NULL AND amount IS NOT NULL GROUP BY 1;
DELETE FROM {EVENTS};
INSERT INTO {EVENTS} (event_id, n)
SELECT event_id, COUNT(*) FROM articles_article
WHERE status = 'published' AND event_id IS NOT NULL GROUP BY event_id;
DELETE FROM {ENTITY_UNITS};
INSERT INTO {ENTITY_UNITS} (entity_id, unit, n)
SELECT entity_id, unit, COUNT(*) FROM (
    SELECT speaker_id AS entity_id,
        CASE WHEN equivalent_amount IS NOT NULL THEN equivalent_unit ELSE unit END AS unit
    FROM articles_claim
    WHERE public_from IS NOT NULL AND amount IS NOT NULL AND speaker_id IS NOT NULL
    UNION ALL
    SELECT s.entity_id,
        CASE WHEN c.equivalent_amount IS NOT NULL THEN c.equivalent_unit ELSE c.unit END
    FROM articles_claim c JOIN articles_claim_subjects s ON s.claim_id = c.id
    WHERE c.public_from IS NOT NULL AND c.amount IS NOT NULL
        AND (c.speaker_id IS NULL OR s.entity_id <> c.speaker_id)
) involved GROUP BY entity_id, unit;
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


@transaction.atomic
def recount() -> None:
    """Count every tally again from the rows. On PostgreSQL the tallies are locked against
    the triggers' upserts first: a writer that has already counted is waited for (and its
    rows are then seen), one that has not counts after this commits."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"LOCK TABLE {', '.join(model._meta.db_table for model in TALLIES)} "
                "IN SHARE ROW EXCLUSIVE MODE"
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


def _among(claims: QuerySet) -> Q | Func:
    """A condition: the claim is one of ``claims``, whose ids are gathered into an array first
    on PostgreSQL (``id = ANY(ARRAY(...))``), so the claims are fetched by primary key however
    many the planner guesses there are. As ``id IN (...)`` a generic plan, guessing a third of
    all claims scheduled, hashed every claim to find the few (50 ms at full size)."""
    ids = claims.order_by().values("pk")
    if connection.vendor != "postgresql":
        return Q(pk__in=ids)
    return Func(
        F("pk"),
        ArraySubquery(ids),
        template="%(expressions)s)",
        arg_joiner=" = ANY(",
        output_field=BooleanField(),
    )


def _scheduled_subjects(scheduled: QuerySet, only: str = "") -> tuple[str, tuple]:
    """SQL for ``k, n``: the scheduled claims per subject, not counting a claim's speaker;
    ``only`` (SQL of entity ids) narrows the subjects before their claims are read.

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
        + (f"AND s.entity_id IN ({only}) " if only else "")
        + "GROUP BY s.entity_id"
    )
    return sql, params


MOST_CITED_ROUND_SQL = """
    WITH walked AS ({walk})
    SELECT w.entity_id, w.claims, w.articles, w.entity__name,
        COALESCE(h.c, 0), COALESCE(h.a, 0)
    FROM walked w LEFT JOIN (
        SELECT k, SUM(c) AS c, SUM(a) AS a FROM ({held_back}) t GROUP BY k
    ) h ON h.k = w.entity_id
    ORDER BY w.claims DESC, w.articles DESC, w.entity_id DESC
"""


def _most_cited_round(batch: int, *after: int) -> list[tuple[int, int, int, str, int, int]]:
    """The next ``batch`` entities down the walk (those ranked below the listed claims,
    articles and id ``after``, when given), each with its listed claims and articles, its
    name, and the claims and articles of it that are listed but not yet due: one query, kept
    compiled (``kept_sql``; building it cost 5 ms of Python)."""
    key = ("tallies:most-cited", batch, bool(after))
    sql, params = kept_sql(key, lambda *values: _most_cited_sql(batch, *values), *after)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(k, c, a, name, int(hc), int(ha)) for k, c, a, name, hc, ha in cursor.fetchall()]


def _most_cited_sql(batch: int, *after: int) -> tuple[str, list]:
    walk = (
        EntityTally.objects.filter(Q(claims__gt=0) | Q(articles__gt=0))
        .exclude(entity__kind=EntityKind.EVENT)
        .order_by("-claims", "-articles", "-entity_id")
        .values_list("entity_id", "claims", "articles", "entity__name")
    )
    if after:
        claims, articles, pk = after
        walk = walk.filter(
            Q(claims__lt=claims)
            | Q(claims=claims, articles__lt=articles)
            | Q(claims=claims, articles=articles, entity_id__lt=pk)
        )
    walk_sql, walk_params = walk[:batch].query.sql_with_params()
    scheduled = Claim.objects.scheduled()
    speakers = scheduled.exclude(speaker=None).values(k=F("speaker")).annotate(n=Count("pk"))
    mentions = (
        Article.mentions.through.objects.filter(article__in=Article.objects.scheduled())
        .values(k=F("entity"))
        .annotate(n=Count("article"))
    )
    parts, params = [], []
    for (sql, part_params), columns in (
        (_sql(speakers), "p.n AS c, 0 AS a"),
        # narrowed inside: reading the claims of every scheduled subject cost 8 ms
        (_scheduled_subjects(scheduled, only="SELECT entity_id FROM walked"), "p.n AS c, 0 AS a"),
        (_sql(mentions), "0 AS c, p.n AS a"),
    ):
        parts.append(
            f"SELECT p.k AS k, {columns} FROM ({sql}) p WHERE p.k IN (SELECT entity_id FROM walked)"
        )
        params += part_params
    sql = MOST_CITED_ROUND_SQL.format(walk=walk_sql, held_back=" UNION ALL ".join(parts))
    return sql, [*walk_params, *params]


def most_cited(limit: int, batch: int = 50) -> list[tuple[int, int, int]]:
    """``(entity id, published claims, published articles mentioning it)`` of the ``limit``
    non-events with the most claims, then articles, then by name (code point by code point,
    as Python compares strings) and id; entities with neither are left out.

    Walks ``EntityTally`` down its index, ``batch`` entities a round (one query each), by
    their *listed* counts, and takes off what is scheduled for those only. A listed (claims,
    articles) is never below the published one in either count, so once the last listed
    pair of a round ranks strictly below the ``limit``-th published pair so far, no entity
    further down can beat or tie it: the walk stops. Usually after one round, whatever the
    site's size (a GROUP BY over every entity's tallies grew with the number of entities)."""
    ranked: list[tuple[int, int, str, int]] = []  # (-claims, -articles, name, id)
    after: tuple[int, ...] = ()
    while True:
        rows = _most_cited_round(batch, *after)
        for pk, claims, articles, name, held_claims, held_articles in rows:
            claims, articles = claims - held_claims, articles - held_articles
            if claims > 0 or articles > 0:
                ranked.append((-claims, -articles, name, pk))
        ranked = sorted(ranked)[:limit]
        if len(rows) < batch:
            break
        pk, claims, articles, *_ = rows[-1]
        if len(ranked) == limit and (claims, articles) < (-ranked[-1][0], -ranked[-1][1]):
            break
        after = (claims, articles, pk)
    return [(pk, -claims, -articles) for claims, articles, _, pk in ranked]


def published_status_counts(entity) -> dict[str, int]:
    """Verification status -> how many of ``entity``'s published claims have it."""
    return published_entity_counts(entity)[0]


ENTITY_COUNTS_SQL = """
    WITH held AS ({held})
    SELECT 's', k, n FROM ({statuses} HAVING SUM(n) > 0) s
    UNION ALL
    SELECT 'u', k, n FROM ({units} HAVING SUM(n) > 0) u
"""


def published_entity_counts(entity) -> tuple[dict[str, int], dict[str, int]]:
    """``(status -> how many of ``entity``'s published claims have it, chart unit -> how
    many of them have a figure charted in it)``, from ``EntityClaimTally`` and
    ``EntityChartUnitTally`` less the entity's scheduled claims: one query, which reads those
    once for both. They are the few scheduled claims tested one by one (``involving()``),
    not the entity's thousands looked up by id: found by their ids first, so that PostgreSQL
    tests them in the index on ``public_from``, speaker and id alone and reads the rows of
    the entity's few only (220 buffers for the busiest entity of the full benchmark data; with
    the columns counted selected at once, it read the rows of all 1,100 scheduled claims,
    1,066 buffers)."""
    pk = getattr(entity, "pk", entity)
    figure_unit = Case(When(amount__isnull=False, then=chart_unit()))
    scheduled = Claim.objects.filter(_among(Claim.objects.scheduled().involving(pk)))
    held, params = _sql(scheduled.values("status", u=figure_unit))
    statuses, _ = _net(
        CLAIMS,
        "status",
        [("SELECT status AS k, COUNT(*) AS n FROM held GROUP BY status", ())],
        where="WHERE entity_id = %s",
    )
    units, _ = _net(
        ENTITY_UNITS,
        "unit",
        [("SELECT u AS k, COUNT(*) AS n FROM held WHERE u IS NOT NULL GROUP BY u", ())],
        where="WHERE entity_id = %s",
    )
    sql = ENTITY_COUNTS_SQL.format(held=held, statuses=statuses, units=units)
    counts: tuple[dict[str, int], dict[str, int]] = ({}, {})
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, pk, pk])
        for kind, key, n in cursor.fetchall():
            counts[kind == "u"][key] = int(n)
    return counts


def published_unit_sizes() -> dict[str, int]:
    """Chart unit -> how many published figures are charted in it."""
    sql, params = kept_sql("tallies:unit-sizes", _unit_sizes_sql)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {unit: int(n) for unit, n in cursor.fetchall()}


def _unit_sizes_sql() -> tuple[str, list]:
    # The figures are told apart in the count, not the WHERE clause: given ``amount IS NOT
    # NULL`` there, PostgreSQL also read the chart index's 38,000 figures of the full bench
    # data (5 ms) to intersect them with the 1,100 scheduled claims (under 1 ms alone).
    scheduled = (
        Claim.objects.scheduled()
        .values(k=chart_unit())
        .annotate(n=Count("pk", filter=Q(amount__isnull=False)))
    )
    sql, params = _net(UNITS, "unit", [scheduled])
    return f"{sql} HAVING SUM(n) > 0", params


BUSIEST_EVENT_SQL = """
    SELECT t.k FROM ({events}) t JOIN entities_entity e ON e.id = t.k
    WHERE e.kind = %s AND t.n > 0
    ORDER BY t.n DESC, e.name, e.id
    LIMIT 1
"""


def busiest_event_id() -> int | None:
    """The id of the event with the most published articles (ties by name), or None."""
    sql, params = kept_sql("tallies:busiest-event", _busiest_event_sql)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def _busiest_event_sql() -> tuple[str, list]:
    scheduled = Article.objects.scheduled().exclude(event=None).values(k=F("event"))
    events, params = _net(EVENTS, "event_id", [scheduled.annotate(n=Count("pk"))])
    return BUSIEST_EVENT_SQL.format(events=events), [*params, EntityKind.EVENT]
