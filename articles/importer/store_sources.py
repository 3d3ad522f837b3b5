"""Sources and the article's numbered citations as rows.

A source is found by its normalised URL and shared with other coverage: the importer fills its
blank publisher and date, and retitles it only when no other article cites it. The article's
citations are made to match the report's Sources list exactly.
"""

from __future__ import annotations

from articles.models import Article, Citation, Source

from .sources import SourceEntry
from .store_entities import CHANGE_REASON, save_imported


def store_sources(entries: list[SourceEntry], *, article: Article, result, by) -> dict[int, Source]:
    """The Source row for each numbered entry, found by URL or created."""
    found: dict[int, Source] = {}
    for entry in entries:
        source = Source.objects.filter(url=entry.url).first()
        if source is None:
            source = Source(
                url=entry.url,
                title=entry.title,
                publisher=entry.publisher,
                published_on=entry.published_on,
                language=entry.language,
            )
            save_imported(source, by)
            result.created["sources"] += 1
        elif _refresh(source, entry, article):
            save_imported(source, by)
            result.updated["sources"] += 1
        found[entry.number] = source
    return found


def _refresh(source: Source, entry: SourceEntry, article: Article) -> bool:
    changed = False
    if not source.publisher and entry.publisher:
        source.publisher, changed = entry.publisher, True
    if source.published_on is None and entry.published_on:
        source.published_on, changed = entry.published_on, True
    ours = not source.citations.exclude(article=article).exists()
    if ours and source.title != entry.title:
        source.title, changed = entry.title, True
    return changed


def store_citations(sources: dict[int, Source], *, article: Article, result, by) -> None:
    """Make the article's citations exactly [n] → source for the report's list."""
    existing = {c.number: c for c in article.citations.all()}
    for number, citation in existing.items():
        source = sources.get(number)
        if source is None or citation.source_id != source.pk:
            citation._change_reason = CHANGE_REASON
            citation.delete()
            result.deleted["citations"] += 1
    for number, source in sources.items():
        citation = existing.get(number)
        if citation is None or citation.source_id != source.pk:
            save_imported(Citation(article=article, number=number, source=source), by)
            result.created["citations"] += 1
