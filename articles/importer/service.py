"""``import_report``: one report in, one article out, in one transaction.

The article (found by slug) takes the report's body, citations, claim appearances and mentions
exactly, so an edited report updates it in place. Claims, sources and entities are shared with
other coverage: the importer finds them (a claim by its normalised wording, or by the same figure
about the same entities), adds links to them, and never overwrites what editors changed. Nothing
is saved when nothing changed, so importing the same file again leaves no trace, not even in the
history.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from articles import roles
from articles.caching import content_changed
from articles.models import Article, ArticleStatus
from articles.services import PublishBlocked, article_transition, article_transition_by_system
from articles.stored_body import store_bodies_on_commit
from entities.gazetteer import load_gazetteer
from entities.models import Entity, EntityKind, normalise_name

from .claims import Analysis, analyse
from .decode import decode_report
from .entities import EntityRef, Recogniser
from .errors import ReportImportError
from .metadata import Metadata, read_metadata
from .parse import Report, parse_report
from .store_claims import ClaimWriter
from .store_entities import EntityDirectory, EntityStore, save_imported
from .store_sources import store_citations, store_sources


@dataclass
class ImportResult:
    """What an import did: the article, counts per kind, and what an editor should look at."""

    article: Article
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    dropped: list[tuple[int, str]] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        counts = (self.created, self.updated, self.deleted)
        return not any(value for counter in counts for value in counter.values())


def import_report(
    *,
    text: str | bytes,
    title: str | None = None,
    published: dt.date | None = None,
    status: str | None = None,
    sidecar: dict | None = None,
    by=None,
) -> ImportResult:
    """Import one report (see the module docstring); ReportImportError leaves nothing behind.

    ``by`` is the user importing (None: the system, e.g. ``manage.py import_report``); a user
    needs the roles to edit content, and to publish when ``status`` is “published”.
    """
    meta, warnings = read_metadata(title=title, published=published, status=status, sidecar=sidecar)
    _check_may_import(by, meta)
    report = parse_report(decode_report(text))
    warnings += report.check_markers()
    first = report.blocks[0]
    if first.kind == "heading" and (
        meta.title is None or normalise_name(first.text) == normalise_name(meta.title)
    ):
        report.take_title()
        meta_title = meta.title or first.text
    else:
        meta_title = meta.title
    if not meta_title:
        raise ReportImportError(
            "the report has no title line; give its title (--title, or “title” in the sidecar)", 1
        )
    slug = meta.slug or slugify(meta_title)[:300]
    if not slug:
        raise ReportImportError(f"the title “{meta_title}” gives no usable slug; add a “slug”")
    with transaction.atomic():
        _serialise_imports()
        run = _Import(report=report, meta=meta, title=meta_title, slug=slug, by=by)
        result = run.execute()
        if not result.unchanged:
            content_changed()  # bulk inserts send no model signals
            store_bodies_on_commit(article_ids=[result.article.pk])
    result.created, result.updated, result.deleted = (
        +result.created,  # unary + drops the kinds counted zero times
        +result.updated,
        +result.deleted,
    )
    result.warnings[:0] = warnings
    return result


# Any two imports may share entities and sources, so they run one at a time. PostgreSQL: a
# transaction-scoped advisory lock (released at commit or rollback); SQLite already serialises
# writers.
IMPORT_LOCK_KEY = 0x5C1A1A0  # arbitrary, fixed: "summit coverage import"


def _serialise_imports() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])


def _check_may_import(by, meta: Metadata) -> None:
    if by is None:
        return
    if not roles.may_edit_content(by):
        raise PermissionDenied("You may not import reports.")
    if meta.status == ArticleStatus.PUBLISHED and not roles.may_publish(by):
        raise PermissionDenied("Only editors may publish; import the report as a draft.")


class _Import:
    def __init__(self, *, report: Report, meta: Metadata, title: str, slug: str, by):
        self.report = report
        self.meta = meta
        self.title = title
        self.slug = slug
        self.by = by
        self.gazetteer = load_gazetteer()
        self.article = Article.objects.select_for_update().filter(slug=slug).first()
        self.result = ImportResult(article=self.article, dropped=report.dropped)
        self.directory = EntityDirectory()
        self.store = EntityStore(
            gazetteer=self.gazetteer,
            directory=self.directory,
            created=self.result.created,
            by=by,
        )

    def execute(self) -> ImportResult:
        recogniser = Recogniser(
            self.gazetteer, known=self.directory.names(block.text for block in self.report.blocks)
        )
        year = (self.meta.published or timezone.localdate()).year
        analysis = analyse(self.report, recogniser, reference_year=year)
        self.result.warnings += analysis.warnings
        self.store.prepare(analysis.mentioned)
        was_public = self.article is not None and self.article.is_public
        article = self._article(self._event(analysis))
        sources = store_sources(
            self.report.sources, article=article, result=self.result, by=self.by
        )
        store_citations(sources, article=article, result=self.result, by=self.by)
        writer = ClaimWriter(article=article, store=self.store, result=self.result, by=self.by)
        writer.write(analysis.claims, sources)
        self._mentions(analysis)
        self.store.relate()
        if was_public and not self.result.unchanged:
            self.result.warnings.append("the article is published: readers see these changes now")
        self._status()
        review = self.store.needing_review()
        if review:
            names = ", ".join(f"{e.name} ({e.get_kind_display().lower()})" for e in review)
            self.result.warnings.append(f"found by rule, please review: {names}")
        return self.result

    def _event(self, analysis: Analysis) -> Entity | None:
        if self.meta.event:
            entry = self.gazetteer.find(self.meta.event)
            ref = next((r for r in analysis.mentioned if entry and r.key == entry.key), None)
            ref = ref or EntityRef(
                key=entry.key if entry else normalise_name(self.meta.event),
                name=entry.name if entry else self.meta.event,
                kind=entry.kind if entry else EntityKind.EVENT,
                description=entry.description if entry else "",
                wikidata_id=entry.wikidata_id if entry else "",
                aliases=entry.aliases if entry else (),
            )
        else:
            ref = next((r for r in analysis.mentioned if r.kind == EntityKind.EVENT), None)
        if ref is None:
            return None
        event = self.store.resolve(ref)
        if event.kind != EntityKind.EVENT:
            self.result.warnings.append(f"“{event.name}” is not an event, so it is not set as one")
            return None
        return event

    def _published_at(self) -> dt.datetime | None:
        if self.meta.published is None:
            return None
        return timezone.make_aware(dt.datetime.combine(self.meta.published, dt.time.min))

    def _article(self, event: Entity | None) -> Article:
        created = self.article is None
        article = self.article or Article(slug=self.slug)
        wanted = {"title": self.title, "body": self.report.markdown()}
        for name in ("standfirst", "byline"):
            if getattr(self.meta, name) is not None:
                wanted[name] = getattr(self.meta, name)
        if event is not None:
            wanted["event_id"] = event.pk
        published_at = self._published_at()
        if published_at is not None and (
            article.published_at is None
            or timezone.localdate(article.published_at) != self.meta.published
        ):
            wanted["published_at"] = published_at
        changed = [name for name, value in wanted.items() if getattr(article, name) != value]
        for name in changed:
            setattr(article, name, wanted[name])
        if created or changed:
            if not created:
                article.version += 1
            save_imported(article, self.by)
            (self.result.created if created else self.result.updated)["article"] += 1
        self.article = self.result.article = article
        return article

    def _mentions(self, analysis: Analysis) -> None:
        counts = self.result.created if self.result.created["article"] else self.result.updated
        event_id = self.article.event_id
        wanted = {self.store.resolve(ref).pk for ref in analysis.mentioned} - {event_id}
        current = set(self.article.mentions.values_list("pk", flat=True))
        if wanted != current:
            self.article.mentions.set(wanted)
            counts["mentions"] += len(wanted ^ current)

    def _status(self) -> None:
        wanted = self.meta.status
        if wanted is None or wanted == self.article.status:
            return
        try:
            if self.by is None:
                self.article = article_transition_by_system(
                    article=self.article, to_status=wanted, publish_at=self._published_at()
                )
            else:
                self.article = article_transition(
                    article=self.article,
                    to_status=wanted,
                    by=self.by,
                    publish_at=self._published_at(),
                )
        except PublishBlocked as blocked:
            raise ReportImportError(
                "the article cannot be published: " + " ".join(blocked.problems)
            ) from blocked
        except ValidationError as error:
            raise ReportImportError(" ".join(error.messages)) from error
        self.result.article = self.article
        self.result.updated["status"] += 1
