"""“What changed since first publication”: the public change log of one article.

Built from django-simple-history records of the article's claims, citations and cited sources
made after the article first went public (ArticleTransition rows record publish times), plus
its CorrectionNote rows. Editors' names are never shown.

``change_log`` is what the article page uses: one query tells which of those histories moved
after the article's publish time (usually none), and only those are read in full.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from django.db import connections, router
from django.db.models import Manager, Model

from .formatting import format_amount, format_target_date
from .models import (
    Article,
    ArticleStatus,
    ArticleTransition,
    Citation,
    Claim,
    ClaimAppearance,
    ClaimKind,
    ClaimSource,
    CorrectionNote,
    PledgeStatus,
    Source,
    VerificationStatus,
)


@cache
def _history(model: type[Model]) -> Manager:
    """The manager of ``model``'s history records.

    ``Model.history`` (django-simple-history) builds a new manager class on every access,
    which costs more than a small query; the historical model's own manager is plain.
    """
    return model.history.model._default_manager


@dataclass(frozen=True)
class Change:
    """One dated, reader-facing line in the change log."""

    at: dt.datetime
    text: str
    kind: str  # "claim", "source" or "correction"
    claim_id: int | None = None


def public_since(article: Article) -> dt.datetime | None:
    """When readers could first see ``article``: its first publication (a scheduled article
    from its publish time), or None if it has never been published."""
    first = (
        ArticleTransition.objects.filter(article=article, to_status=ArticleStatus.PUBLISHED)
        .order_by("at")
        .values_list("at", flat=True)
        .first()
    )
    if first is None:
        return article.published_at if article.status == ArticleStatus.PUBLISHED else None
    return max(first, article.published_at) if article.published_at else first


def _label(choices, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value or "none"


def _quote(text: str, limit: int = 90) -> str:
    return f"“{text if len(text) <= limit else text[: limit - 1] + '…'}”"


def _claim_diffs(old, new) -> list[str]:
    about = _quote(new.text)
    lines = []
    if old.text != new.text:
        lines.append(f"Claim reworded: was {_quote(old.text)}, now {about}.")
    if old.status != new.status:
        lines.append(
            f"Verdict on {about} changed from {_label(VerificationStatus, old.status)} "
            f"to {_label(VerificationStatus, new.status)}."
        )
    if (old.amount, old.unit) != (new.amount, new.unit):
        before = format_amount(old.amount, old.unit) or "none"
        after = format_amount(new.amount, new.unit) or "none"
        lines.append(f"Figure in {about} changed from {before} to {after}.")
    if (old.equivalent_amount, old.equivalent_unit) != (new.equivalent_amount, new.equivalent_unit):
        before = format_amount(old.equivalent_amount, old.equivalent_unit) or "none"
        after = format_amount(new.equivalent_amount, new.equivalent_unit) or "none"
        lines.append(f"Stated equivalent in {about} changed from {before} to {after}.")
    if (old.figure_date, old.figure_date_precision) != (new.figure_date, new.figure_date_precision):
        before = format_target_date(old.figure_date, old.figure_date_precision) or "none"
        after = format_target_date(new.figure_date, new.figure_date_precision) or "none"
        lines.append(f"Date in {about} changed from {before} to {after}.")
    if old.pledge_status != new.pledge_status:
        lines.append(
            f"Pledge {about} now marked {_label(PledgeStatus, new.pledge_status)} "
            f"(was {_label(PledgeStatus, old.pledge_status)})."
        )
    if old.kind != new.kind:
        lines.append(f"{about} reclassified as {_label(ClaimKind, new.kind)}.")
    return lines


def _pairs_after(records: Iterable, since: dt.datetime):
    """(previous, record) for each record after ``since``, per object, oldest first."""
    by_object = defaultdict(list)
    for record in records:
        by_object[record.id].append(record)
    for versions in by_object.values():
        for index, record in enumerate(versions):
            if record.history_date > since:
                yield (versions[index - 1] if index else None), record


def claim_changes(claim_ids: Iterable[int], since: dt.datetime) -> list[Change]:
    records = _history(Claim).filter(id__in=list(claim_ids)).order_by("id", "history_date")
    changes = []
    for old, new in _pairs_after(records, since):
        if new.history_type == "+" or old is None:
            lines = [f"Claim added: {_quote(new.text)}."]
        elif new.history_type == "-":
            lines = [f"Claim removed: {_quote(new.text)}."]
        else:
            lines = _claim_diffs(old, new)
        changes += [Change(new.history_date, line, "claim", new.id) for line in lines]
    return changes


def citation_changes(article: Article, since: dt.datetime) -> list[Change]:
    records = list(_history(Citation).filter(article_id=article.pk).order_by("id", "history_date"))
    titles = dict(
        Source.objects.filter(pk__in={r.source_id for r in records}).values_list("pk", "title")
    )
    changes = []
    for old, new in _pairs_after(records, since):
        title = _quote(titles.get(new.source_id, "a source"))
        if new.history_type == "+" or old is None:
            text = f"Source [{new.number}] added: {title}."
        elif new.history_type == "-":
            text = f"Source [{new.number}] removed: {title}."
        elif old.source_id != new.source_id:
            was = _quote(titles.get(old.source_id, "another source"))
            text = f"Source [{new.number}] replaced: was {was}, now {title}."
        elif old.number != new.number:
            text = f"Source {title} renumbered from [{old.number}] to [{new.number}]."
        else:
            continue
        changes.append(Change(new.history_date, text, "source"))
    return changes


SOURCE_FIELDS = {
    "title": "title",
    "url": "address",
    "publisher": "publisher",
    "published_on": "date",
    "archived_url": "archived copy",
}


def source_changes(source_ids: Iterable[int], since: dt.datetime) -> list[Change]:
    records = _history(Source).filter(id__in=list(source_ids)).order_by("id", "history_date")
    changes = []
    for old, new in _pairs_after(records, since):
        if old is None or new.history_type != "~":
            continue
        fields = [
            label
            for name, label in SOURCE_FIELDS.items()
            if getattr(old, name) != getattr(new, name)
        ]
        if fields:
            text = f"Source {_quote(new.title)}: {', '.join(fields)} corrected."
            changes.append(Change(new.history_date, text, "source"))
    return changes


ARTICLE_TEXT_FIELDS = ("title", "standfirst", "body", "byline")


def last_text_edit(article: Article, since: dt.datetime | None) -> dt.datetime | None:
    """When readers last saw the article's own text change (headline, standfirst, body or
    byline) after ``since``; None if it has not changed since it went public."""
    if since is None:
        return None
    latest = None
    for old, new in _pairs_after(
        _history(Article)
        .filter(id=article.pk)
        .order_by("history_date")
        .only("id", "history_date", *ARTICLE_TEXT_FIELDS),
        since,
    ):
        if old is not None and any(
            getattr(old, name) != getattr(new, name) for name in ARTICLE_TEXT_FIELDS
        ):
            latest = new.history_date
    return latest


@dataclass(frozen=True)
class ChangeLog:
    """What the article page shows of an article's history."""

    changes: list[Change]  # oldest first; empty until the article has been public
    corrections: list[CorrectionNote]
    last_text_edit: dt.datetime | None  # see ``last_text_edit``


def _exists_sql(model: type[Model], column: str, among: str, *, after: str | None) -> str:
    """``EXISTS`` for rows of ``model`` whose ``column`` is among the values ``among`` (SQL
    for an ``IN`` list) selects (and, with ``after``, whose ``history_date`` is later than
    that SQL's value)."""
    quote = connections[router.db_for_read(model)].ops.quote_name
    table, meta = quote(model._meta.db_table), model._meta
    sql = f"SELECT 1 FROM {table} WHERE {quote(meta.get_field(column).column)} IN ({among})"
    if after:
        sql += f" AND {quote(meta.get_field('history_date').column)} > {after}"
    return f"EXISTS ({sql})"


def _column(model: type[Model], field: str) -> str:
    quote = connections[router.db_for_read(model)].ops.quote_name
    return f"{quote(model._meta.db_table)}.{quote(model._meta.get_field(field).column)}"


def _select(model: type[Model], field: str, where: str, among: str) -> str:
    """``SELECT`` of ``model``'s ``field`` for rows whose ``where`` field is among ``among``."""
    table = connections[router.db_for_read(model)].ops.quote_name(model._meta.db_table)
    return f"SELECT {_column(model, field)} FROM {table} WHERE {_column(model, where)} IN ({among})"


def _checks(pk: str, after: str | None) -> list[str]:
    """``_moved``'s five checks, for the article whose id is the SQL ``pk`` and whose publish
    time the SQL ``after`` (None: no publish time, every record counts)."""
    claims = _select(ClaimAppearance, "claim", "article", pk)
    sources = (
        f"{_select(Citation, 'source', 'article', pk)} "
        f"UNION {_select(ClaimSource, 'source', 'claim', claims)}"
    )
    return [
        _exists_sql(CorrectionNote, "article", pk, after=None),
        _exists_sql(_history(Claim).model, "id", claims, after=after),
        _exists_sql(_history(Citation).model, "article", pk, after=after),
        _exists_sql(_history(Source).model, "id", sources, after=after),
        _exists_sql(_history(Article).model, "id", pk, after=after),
    ]


@cache
def _moved_sql(dated: bool) -> str:
    """``_moved``'s statement, the same text for every article (one parameter per ``%s``, all
    the article's id except the publish times): PostgreSQL prepares it once per connection."""
    return f"SELECT {', '.join(_checks('%s', '%s' if dated else None))}"


@cache
def moved_columns() -> tuple[str, ...]:
    """``_moved``'s checks as columns of a statement reading a published article's row (from
    ``articles_article`` by its own name, with its publish time), so the article page reads
    them with the article, a round trip less; hand them to ``change_log`` as ``moved``."""
    return tuple(_checks(_column(Article, "id"), _column(Article, "published_at")))


def _moved(article: Article) -> tuple[bool, bool, bool, bool, bool]:
    """Whether ``article`` has corrections, and whether the history of its claims, its
    citations, its sources (cited, or backing its claims) and its own text has a record after
    its publish time (any record, with no publish time).

    One query, written out: it runs for every article page, and the ORM spends several times
    the database's time building the same five subqueries.
    """
    connection = connections[router.db_for_read(Article)]
    after = article.published_at
    bound = [] if after is None else [connection.ops.adapt_datetimefield_value(after)]
    pk = article.pk
    params = [pk, pk, *bound, pk, *bound, pk, pk, *bound, pk, *bound]
    with connection.cursor() as cursor:
        cursor.execute(_moved_sql(bool(bound)), params)
        return tuple(bool(flag) for flag in cursor.fetchone())


def change_log(
    article: Article,
    *,
    claim_ids: Collection[int],
    source_ids: Collection[int],
    moved: Sequence[object] | None = None,
) -> ChangeLog:
    """Every public change to ``article`` after it went public (oldest first), its corrections
    and its last text edit: one query when nothing changed.

    That query (``_moved``) tells whether there are corrections and whether each history
    (claims, citations, sources, the article's own text) has a record after the publish time.
    Every change counted is later than ``public_since``, itself never earlier than the publish
    time, so a history without such a record has no change to show and is not read; with
    nothing to show, the first publication is not looked up either. (With no publish time
    every record counts, so nothing is missed.) ``moved`` is that query's answer when it was
    read with the article (``moved_columns``).
    """
    flags = _moved(article) if moved is None else tuple(bool(flag) for flag in moved)
    has_corrections, claims, citations, sources, text = flags
    corrections = list(article.corrections.all()) if has_corrections else []
    since = (
        public_since(article) if any((has_corrections, claims, citations, sources, text)) else None
    )
    if since is None:
        return ChangeLog(changes=[], corrections=corrections, last_text_edit=None)
    changes = (
        (claim_changes(claim_ids, since) if claims else [])
        + (citation_changes(article, since) if citations else [])
        + (source_changes(source_ids, since) if sources else [])
        + [
            Change(note.published_at, f"Correction: {note.text}", "correction")
            for note in corrections
        ]
    )
    return ChangeLog(
        changes=sorted(changes, key=lambda change: change.at),
        corrections=corrections,
        last_text_edit=last_text_edit(article, since) if text else None,
    )
