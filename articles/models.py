"""Articles, the claims they make, the sources behind them and the numbered citations between.

An Article's Markdown body cites sources with markers like ``[1]``; each marker is a Citation
(number → Source). A Claim is one checkable statement; it may appear in several articles, each
appearance recording the passage it came from. Figures are structured values on the claim.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Sequence
from functools import reduce

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone
from simple_history.models import HistoricalRecords

from coverage_site.fast_reverse import reverse_one
from coverage_site.fulltext import AmongIds, id_array
from coverage_site.kept_queries import kept_list
from coverage_site.rows import instances
from entities.models import Entity, normalise_name

from .roles import may_see_unpublished
from .source_urls import normalise_url

# The route and argument of each model's page (``get_absolute_url``), for ``fast_reverse``.
SOURCE_ROUTE = ("articles:source_detail", "pk")
CLAIM_ROUTE = ("articles:claim_detail", "pk")
ARTICLE_ROUTE = ("articles:article_detail", "slug")


class SourceQuerySet(models.QuerySet):
    def matching_url(self, url: str) -> SourceQuerySet:
        """The source stored for ``url`` once normalised (empty if none)."""
        return self.filter(url=normalise_url(url))

    def public(self) -> SourceQuerySet:
        """Sources cited by published articles or backing published claims."""
        return self.filter(
            Exists(
                Citation.objects.filter(
                    source=OuterRef("pk"), article__in=Article.objects.published()
                )
            )
            | Exists(
                ClaimSource.objects.filter(
                    source=OuterRef("pk"), claim__in=Claim.objects.published()
                )
            )
        )

    def public_listing(self) -> SourceQuerySet:
        """The sources ``public()`` finds, worked out for a whole list (a count, a page in
        some order, a sitemap) from ``SourceTally``: those with listed links, less those whose
        listed links are all scheduled for later (``_held_back_sources_sql``, read here at
        once: usually none). ``public()`` over every source made PostgreSQL hash every
        published citation and backing (over 200 ms a statement on the full benchmark data,
        and the API's list ran two: a count and a page). For a few sources ``public()`` is
        cheaper: this always reads the scheduled rows."""
        with connection.cursor() as cursor:
            cursor.execute(*_held_back_sources_sql())
            held_back = [pk for (pk,) in cursor.fetchall()]
        listed = SourceTally.objects.filter(n__gt=0).values("source_id")
        return self.filter(pk__in=listed).exclude(pk__in=held_back)

    def visible_to(self, user, *, listing: bool = False) -> SourceQuerySet:
        """Staff with a role see every source; everyone else only public ones (``listing``:
        for a whole list, ``public_listing()``)."""
        if may_see_unpublished(user, "articles.view_source"):
            return self.all()
        return self.public_listing() if listing else self.public()


def _held_back_sources_sql() -> tuple[str, list]:
    """SQL for the ids of the sources whose listed links (``SourceTally``) are all links of
    articles and claims scheduled for later (``scheduled()``), and its parameters. Only the
    sources of those few rows are looked at, found by the rows' ids (as an array on
    PostgreSQL, whose planner otherwise hashed every citation or backing)."""
    claim_ids, claim_params = (
        Claim.objects.scheduled().order_by().values("id").query.sql_with_params()
    )
    article_ids, article_params = (
        Article.objects.scheduled().order_by().values("id").query.sql_with_params()
    )
    postgres = connection.vendor == "postgresql"
    among_articles = f"= ANY(ARRAY({article_ids}))" if postgres else f"IN ({article_ids})"
    among_claims = f"= ANY(ARRAY({claim_ids}))" if postgres else f"IN ({claim_ids})"
    sql = (
        "SELECT p.k FROM (SELECT k, SUM(n) AS n FROM ("
        f"SELECT c.source_id AS k, 1 AS n FROM {Citation._meta.db_table} c "
        f"WHERE c.article_id {among_articles} "
        f"UNION ALL SELECT l.source_id, 1 FROM {ClaimSource._meta.db_table} l "
        f"WHERE l.claim_id {among_claims}"
        ") pending GROUP BY k) p "
        f"LEFT JOIN {SourceTally._meta.db_table} t ON t.source_id = p.k "
        "WHERE COALESCE(t.n, 0) <= p.n"
    )
    return sql, [*article_params, *claim_params]


class Source(models.Model):
    """A cited document: the article, filing or release that backs a claim."""

    url = models.URLField(
        "URL",
        max_length=1000,
        unique=True,
        help_text="Stored normalised (https, no tracking parameters, no trailing slash).",
    )
    title = models.CharField("title as cited", max_length=500)
    publisher = models.CharField(
        "publisher", max_length=200, blank=True, help_text="e.g. “Korea JoongAng Daily”."
    )
    published_on = models.DateField("publication date", null=True, blank=True)
    accessed_on = models.DateField("date accessed", null=True, blank=True)
    language = models.CharField(
        "language", max_length=10, default="en", help_text="BCP 47 code, e.g. “en” or “ko”."
    )
    archived_url = models.URLField(
        "archived copy", max_length=1000, blank=True, help_text="e.g. a web.archive.org snapshot."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    history = HistoricalRecords()
    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        indexes = [
            # The API's list order (title, id): a page is read from the index, each source
            # checked in ``SourceTally`` as it comes, instead of sorting every public source.
            models.Index(fields=["title", "id"], name="source_title_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(url=""), name="%(app_label)s_%(class)s_url_not_empty"
            ),
            models.CheckConstraint(
                condition=~Q(title=""), name="%(app_label)s_%(class)s_title_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.url = normalise_url(self.url)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse_one(*SOURCE_ROUTE, self.pk)


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


# Statuses in which readers have (or had) an article in front of them.
PUBLIC_STATUSES = (ArticleStatus.PUBLISHED, ArticleStatus.ARCHIVED)


class ArticleQuerySet(models.QuerySet):
    def published(self) -> ArticleQuerySet:
        """Articles readers may see: published, and not scheduled for later."""
        return self.filter(self.published_condition())

    @staticmethod
    def published_condition(via: str = "") -> Q:
        """``published()``'s rule as a condition on the article reached through ``via``
        (``"article__"`` from an appearance). A query that joins the article anyway filters
        that join with it; ``article__in=published()`` had PostgreSQL look each article up
        twice, once for the subquery and once for the join."""
        return Q(
            **{f"{via}status": ArticleStatus.PUBLISHED, f"{via}published_at__lte": timezone.now()}
        )

    @staticmethod
    def visible_condition(user, via: str = "") -> Q:
        """``visible_to(user)``'s rule as a condition, as ``published_condition``."""
        if may_see_unpublished(user, "articles.view_article"):
            return Q()
        return ArticleQuerySet.published_condition(via)

    def published_with_slug(self, slug: str, *, extra: Sequence[str] = ()) -> Article | None:
        """The article ``published().filter(slug=slug)`` finds, or None: the same rule,
        written out in SQL for the article page, which looks one up on every uncached request
        (building the query cost the ORM about twice what PostgreSQL spends running it, and
        ``raw()`` about as much again; ``coverage_site.rows`` builds the instance).
        Filters already on this queryset are not applied: call it on the manager.

        ``extra``: SQL expressions over the article's row (its table by its own name), read in
        the same statement and set on the article as the tuple ``extra_values``."""
        model = self.model
        quote = connection.ops.quote_name
        fields = model._meta.concrete_fields
        columns = ", ".join([*(quote(field.column) for field in fields), *extra])
        sql = (
            f"SELECT {columns} FROM {quote(model._meta.db_table)} "
            f"WHERE {quote('slug')} = %s AND {quote('status')} = %s "
            f"AND {quote('published_at')} <= %s"
        )
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(sql, [slug, ArticleStatus.PUBLISHED.value, now])
            rows = cursor.fetchall()
        found = instances(model, [field.attname for field in fields], rows, using=connection.alias)
        if not found:
            return None
        article, extra_values = found[0]
        article.extra_values = tuple(extra_values)
        return article

    def visible_to(self, user) -> ArticleQuerySet:
        if may_see_unpublished(user, "articles.view_article"):
            return self.all()
        return self.published()

    def scheduled(self) -> ArticleQuerySet:
        """Published articles whose publish time is still ahead: hidden until it passes."""
        return self.filter(status=ArticleStatus.PUBLISHED, published_at__gt=timezone.now())

    def became_public_between(self, start, end) -> ArticleQuerySet:
        """Published articles whose publish time fell in (``start``, ``end``]."""
        return self.filter(
            status=ArticleStatus.PUBLISHED, published_at__gt=start, published_at__lte=end
        )

    def with_related(self) -> ArticleQuerySet:
        return self.select_related("event").prefetch_related("citations__source")

    def involving(self, entity, *, newest_first: bool = False) -> ArticleQuerySet:
        """Articles about ``entity``: its event, mentioning it, or carrying its claims.

        ``newest_first`` is for walking the newest articles and stopping after a few (the
        entity page does for an entity in much of the coverage): whether an article carries
        the entity's claims is then asked of its own appearances, their claims looked up
        among the entity's claim ids, hashed once. The EXISTS otherwise used read the claim
        of every appearance of each article walked (7,000 buffers for the latest 50 of the
        busiest entity of the full benchmark data, 570 this way); as a scalar subquery with
        two ``IN`` lists ORed, PostgreSQL neither hashes every appearance of the site (as it
        does an EXISTS in an OR) nor joins a UNION of the ids per article. Counting all the
        articles involving an entity is faster without it."""
        mentioned = Exists(
            Article.mentions.through.objects.filter(article=OuterRef("pk"), entity=entity)
        )
        if not newest_first:
            carried = Q(claim__in=Claim.objects.involving(entity))
            claims = Exists(ClaimAppearance.objects.filter(carried, article=OuterRef("pk")))
            return self.filter(Q(event=entity) | mentioned | claims)
        spoken = Claim.objects.filter(speaker=entity).order_by().values("pk")
        about = Claim.subjects.through.objects.filter(entity=entity).order_by().values("claim_id")
        carried = Q(claim__in=spoken) | Q(claim__in=about)
        first = ClaimAppearance.objects.filter(carried, article=OuterRef("pk")).order_by()
        claims = Subquery(first.values(carried_one=Value(True))[:1], output_field=BooleanField())
        return self.filter(Q(event=entity) | mentioned | claims)

    def involving_by_ids(self, entity) -> ArticleQuerySet:
        """The articles ``involving()`` selects, found by their ids: a UNION of index lookups
        (its event, its mentions, the appearances of its claims). ``involving()`` tests each
        article in turn, which for an entity in few articles means testing nearly all of
        them: half a second for the latest 50 with the full benchmark data."""
        claim_ids = Claim.objects.involving_ids(entity)
        ids = (
            Article.objects.filter(event=entity)
            .order_by()
            .values("pk")
            .union(
                Article.mentions.through.objects.filter(entity=entity)
                .order_by()
                .values("article_id"),
                ClaimAppearance.objects.filter(claim__in=claim_ids).order_by().values("article_id"),
                all=True,
            )
        )
        return self.filter(pk__in=ids)


class Article(models.Model):
    """A piece of coverage, written in Markdown with numbered citation markers like ``[1]``."""

    title = models.CharField("headline", max_length=300)
    slug = models.SlugField(
        "slug", max_length=300, unique=True, help_text="e.g. “apec-ceo-summit-ai”."
    )
    standfirst = models.TextField(
        "standfirst", blank=True, help_text="One or two sentences under the headline."
    )
    body = models.TextField(
        "body (Markdown)", blank=True, help_text="Markdown; cite sources with markers like [1]."
    )
    byline = models.CharField(
        "byline", max_length=200, blank=True, help_text="e.g. “Staff reporter”."
    )
    status = models.CharField(
        "status", max_length=20, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    published_at = models.DateTimeField(
        "publish time",
        null=True,
        blank=True,
        db_index=True,
        help_text="A future time schedules the article; it stays hidden until then.",
    )
    event = models.ForeignKey(
        "entities.Entity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="event_articles",
        limit_choices_to={"kind": "event"},
        help_text="The event this article covers.",
    )
    mentions = models.ManyToManyField(
        "entities.Entity", blank=True, related_name="mentioned_in_articles"
    )
    sources = models.ManyToManyField(Source, through="Citation", related_name="articles")
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Raised on every save; detects concurrent edits."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    # The body as the article page renders it, and the key of what it was rendered from
    # (``rendering.body_key``): the page reuses it only while the key still matches, so a write
    # that does not refresh it costs speed, never correctness (``articles/stored_body.py``).
    # Derived data: not in the history, exports or forms.
    body_html = models.TextField(blank=True, default="", editable=False, serialize=False)
    body_html_key = models.CharField(
        max_length=32, blank=True, default="", editable=False, serialize=False
    )

    history = HistoricalRecords(excluded_fields=["version", "body_html", "body_html_key"])
    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        permissions = [("publish_article", "Can publish and unpublish articles")]
        indexes = [
            # ``published()`` read from the index alone: the ids (and events) of the published
            # articles without reading the table, whose rows carry the bodies (16 MB at full
            # benchmark size, read whole by each query that joins the published articles).
            models.Index(
                fields=["published_at"],
                include=["id", "event"],
                condition=Q(status=ArticleStatus.PUBLISHED),
                name="article_published_cover",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ArticleStatus.PUBLISHED) | Q(published_at__isnull=False),
                name="%(app_label)s_%(class)s_published_has_time",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ArticleStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(title=""), name="%(app_label)s_%(class)s_title_not_empty"
            ),
            models.CheckConstraint(
                condition=~Q(slug=""), name="%(app_label)s_%(class)s_slug_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse_one(*ARTICLE_ROUTE, self.slug)

    @property
    def is_public(self) -> bool:
        return (
            self.status == ArticleStatus.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )


class Citation(models.Model):
    """Marker ``[number]`` in an article's body, pointing at one source."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="citations")
    number = models.PositiveSmallIntegerField("marker", help_text="The n in [n].")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")

    history = HistoricalRecords()

    class Meta:
        ordering = ["article", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"], name="%(app_label)s_%(class)s_unique_number"
            ),
            models.UniqueConstraint(
                fields=["article", "source"], name="%(app_label)s_%(class)s_unique_source"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="%(app_label)s_%(class)s_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"[{self.number}] {self.source}"


class ClaimKind(models.TextChoices):
    FACT = "fact", "Fact"
    FIGURE = "figure", "Figure"
    STATEMENT = "statement", "Statement by a person"
    PLEDGE = "pledge", "Forecast or pledge"
    OPINION = "opinion", "Opinion"


class VerificationStatus(models.TextChoices):
    UNVERIFIED = "unverified", "Unverified"
    VERIFIED = "verified", "Verified"
    DISPUTED = "disputed", "Disputed"
    FALSE = "false", "False"
    RETRACTED = "retracted", "Retracted"


STATUS_LABELS = dict(VerificationStatus.choices)
KIND_LABELS = dict(ClaimKind.choices)


class PledgeStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    MET = "met", "Met"
    MISSED = "missed", "Missed"
    REVISED = "revised", "Revised"


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


def _pledge_status_values(status: str) -> list[str]:
    """The stored values meaning ``status``: a pledge with none set is pending."""
    return [status, ""] if status == PledgeStatus.PENDING else [status]


def chart_unit() -> Case:
    """The unit a figure is charted in: its stated equivalent's, if any, else its own (the
    ``claim_chart_rank`` index holds the same expression)."""
    return Case(When(equivalent_amount__isnull=False, then=F("equivalent_unit")), default=F("unit"))


def chart_value() -> Case:
    """The value a figure is charted at, in ``chart_unit()``."""
    return Case(
        When(equivalent_amount__isnull=False, then=F("equivalent_amount")), default=F("amount")
    )


# A claim's structured figure: the value, its unit, a stated equivalent, the date it is for.
FIGURE_FIELDS = (
    "amount",
    "unit",
    "equivalent_amount",
    "equivalent_unit",
    "figure_date",
    "figure_date_precision",
)


class ProbedExists(Exists):
    """``EXISTS (...)`` run for each row of the outer query, by index. PostgreSQL may instead
    run an EXISTS as a hashed ``IN``, reading every row of the subquery once to hash them:
    better when the outer query tests many rows, worse when it walks an index and stops early.
    An ``OFFSET`` (of 0) keeps that rewrite from applying (``simplify_EXISTS_query``)."""

    template = "EXISTS(%(subquery)s OFFSET 0)"


class ClaimQuerySet(models.QuerySet):
    def published(self) -> ClaimQuerySet:
        """Claims that appear in at least one article readers may see: their ``public_from``
        (the earliest publish time among their published articles, kept by triggers) has
        passed. Comparing with the clock here, not in the trigger, lets a scheduled article's
        claims appear exactly when its time comes, with no job to run."""
        return self.filter(public_from__lte=timezone.now())

    def scheduled(self) -> ClaimQuerySet:
        """Claims listed in a published article whose time has not come: hidden until it
        passes (the tallies count them, and their reads subtract them)."""
        return self.filter(public_from__gt=timezone.now())

    def published_status_counts(self, entity) -> dict[str, int]:
        """Verification status -> how many published claims ``entity`` made or is a subject
        of (statuses with none left out), read from the tallies the database keeps. Filters
        already on this queryset are not applied: call it on the manager."""
        from .tallies import published_status_counts

        return published_status_counts(entity)

    def published_entity_counts(self, entity) -> tuple[dict[str, int], dict[str, int]]:
        """``published_status_counts(entity)``, and chart unit -> how many of those published
        claims have a figure charted in it (units with none left out): one query, read from
        the tallies. Filters already on this queryset are not applied: call it on the
        manager."""
        from .tallies import published_entity_counts

        return published_entity_counts(entity)

    def visible_to(self, user) -> ClaimQuerySet:
        if may_see_unpublished(user, "articles.view_claim"):
            return self.all()
        return self.published()

    def with_related(self) -> ClaimQuerySet:
        return self.select_related("speaker").prefetch_related("subjects", "sources")

    def pledges(self) -> ClaimQuerySet:
        return self.filter(kind=ClaimKind.PLEDGE)

    def in_pledge_status(self, status: str) -> ClaimQuerySet:
        """Pledges in ``status`` (a ``PledgeStatus`` value); one with none set is pending."""
        return self.filter(pledge_status__in=_pledge_status_values(status))

    def pledge_status_counts(self) -> dict[str, int]:
        """Pledge status -> how many of these claims are in it (every status, zeros
        included; none set counts as pending): one aggregate query, read from the
        ``claim_pledge_order`` index alone when called on ``published().pledges()``."""
        return self.aggregate(
            **{
                status: Count("pk", filter=Q(pledge_status__in=_pledge_status_values(status)))
                for status in PledgeStatus.values
            }
        )

    def in_pledge_order(self) -> ClaimQuerySet:
        """The pledge tracker's order: nearest target date first, undated last (walks the
        ``claim_pledge_order`` index)."""
        return self.order_by(F("figure_date").asc(nulls_last=True), "pk")

    def for_listing(self) -> ClaimQuerySet:
        """Loads what a public list of claims shows: speaker, subjects (as ``listed_subjects``)
        and the published articles each claim appears in (as ``public_appearances``, with only
        the titles and slugs of the articles: their bodies and search vectors were most of what
        the query sent).

        Lists, not related managers: a prefetch into ``claim.subjects`` builds a queryset per
        claim to hold its cache, a third of what loading a page of claims costs in Python."""
        return self.select_related("speaker").prefetch_related(*self.listing_prefetches())

    def listing_prefetches(self) -> list[models.Prefetch]:
        """The prefetches of ``for_listing()``, for claims loaded another way (with
        ``select_related("speaker")``): ``prefetch_related_objects(claims, *these)``."""
        return [
            models.Prefetch("subjects", to_attr="listed_subjects"),
            models.Prefetch(
                "appearances",
                queryset=ClaimAppearance.objects.filter(article__in=Article.objects.published())
                .select_related("article")
                .only("claim", "article__title", "article__slug")
                .order_by("-article__published_at", "pk"),
                to_attr="public_appearances",
            ),
        ]

    def listing_details(self, claims: list[Claim]) -> None:
        """Sets on ``claims`` (loaded with ``select_related("speaker")`` another way) what
        ``for_listing()``'s prefetches would: ``listed_subjects`` (by name) and
        ``public_appearances`` (the newest article first), the entities and articles with
        only the fields a card shows.

        On PostgreSQL in two statements kept compiled (``kept_queries.kept_list``) with the
        claims' ids as one array value, their rows made into instances by
        ``coverage_site.rows``: the prefetches cost the search page some 4 ms of Python for
        20 claims, ten times the database's work. Elsewhere, the prefetches themselves."""
        if connection.vendor != "postgresql":
            models.prefetch_related_objects(claims, *self.listing_prefetches())
            return
        ids = id_array(claim.pk for claim in claims)
        subjects: dict[int, list] = {claim.pk: [] for claim in claims}
        rows = kept_list("claims:listed-subjects", _listed_subjects, ids)
        for entity, (claim_id,) in instances(Entity, LISTED_ENTITY_FIELDS, rows):
            subjects[claim_id].append(entity)
        appearances: dict[int, list] = {claim.pk: [] for claim in claims}
        rows = kept_list("claims:public-appearances", _public_appearances, ids)
        articles = instances(Article, ("id", "title", "slug"), [row[3:] for row in rows])
        found = instances(ClaimAppearance, ("id", "claim_id", "article_id"), rows)
        for (appearance, _), (article, _) in zip(found, articles, strict=True):
            appearance.article = article
            appearances[appearance.claim_id].append(appearance)
        for claim in claims:
            claim.listed_subjects = subjects[claim.pk]
            claim.public_appearances = appearances[claim.pk]

    def with_figures(self) -> ClaimQuerySet:
        return self.filter(amount__isnull=False)

    def with_chart_rank(self) -> ClaimQuerySet:
        """Annotates what ``charts.figure_charts`` ranks by, so the database can keep only the
        figures it draws: ``chart_rank``, a figure's place among the figures charted in the
        same unit (largest first, then by id; a figure with a stated equivalent is charted in
        the equivalent's unit), and ``chart_unit_size``, how many figures that unit has
        (charts are ordered by it). Both are None for claims without a figure."""
        figure = Q(amount__isnull=False)
        unit = Case(When(~figure, then=None), default=chart_unit())
        rank = Window(RowNumber(), partition_by=[unit], order_by=[chart_value().desc(), F("pk")])
        size = Window(Count("pk"), partition_by=[unit])
        return self.annotate(
            chart_rank=Case(When(figure, then=rank)), chart_unit_size=Case(When(figure, then=size))
        )

    def chart_unit_sizes(self) -> dict[str, int]:
        """How many figures each chart unit has among these claims (one GROUP BY)."""
        figures = self.with_figures().annotate(chart_unit=chart_unit())
        return dict(figures.values_list("chart_unit").annotate(Count("pk")).order_by())

    def charted_published(self, per_chart: int) -> ClaimQuerySet:
        """``published().charted(per_chart)``, with the units' sizes read from the tallies the
        database keeps instead of counted over every published figure (24 ms with the full
        benchmark data, growing with the site). Call it on the manager."""
        from .tallies import published_unit_sizes

        return self.published().charted(per_chart, sizes=published_unit_sizes())

    def charted(self, per_chart: int, sizes: dict[str, int] | None = None) -> ClaimQuerySet:
        """Only the figures ``charts.figure_charts(..., per_chart=per_chart)`` draws: the
        largest ``per_chart`` of each unit, each with ``chart_unit_size``, how many figures of
        this queryset its unit has.

        Runs one query at once, for the units and their sizes (``chart_unit_sizes()``; not
        run when ``sizes`` gives them, as read from the same claims another way); the
        queryset returned then walks each unit's figures largest first down the
        ``claim_chart_rank`` index, stopping after ``per_chart``. Ranking every figure with a
        window function instead sorted all 37,000 published figures of the full benchmark
        data (400 ms)."""
        figures = self.with_figures().annotate(chart_unit=chart_unit())
        if sizes is None:
            sizes = self.chart_unit_sizes()
        walks = [
            figures.filter(chart_unit=unit)
            .annotate(chart_unit_size=Value(size))
            .order_by(chart_value().desc(), "pk")[:per_chart]
            for unit, size in sorted(sizes.items())
        ]
        if not walks:
            return self.none()
        if len(walks) > 1 and connection.features.supports_slicing_ordering_in_compound:
            return walks[0].union(*walks[1:], all=True)
        # SQLite cannot limit the parts of a UNION: each unit's walk is a subquery instead.
        size = Case(*(When(chart_unit=unit, then=Value(n)) for unit, n in sizes.items()))
        return figures.filter(
            reduce(operator.or_, (Q(pk__in=walk.values("pk")) for walk in walks))
        ).annotate(chart_unit_size=size)

    def chart_rows(self) -> models.QuerySet:
        """What the charts show of these claims (``Claim.CHART_FIELDS``) and their
        ``chart_unit_size``, as rows for ``chart_figures()``."""
        return self.values_list(*Claim.CHART_FIELDS, "chart_unit_size")

    def chart_figures(self, rows) -> list[Claim]:
        """Claims built from ``chart_rows()`` rows, each with its ``chart_unit_size``, by
        ``coverage_site.rows`` (the ORM's instances of every column took a tenth of the home
        page's Python time for its 60 figures, about 1 ms on the busy entity page)."""
        figures = []
        for claim, (size,) in instances(Claim, Claim.CHART_FIELDS, rows, converted=True):
            claim.chart_unit_size = size
            figures.append(claim)
        return figures

    def involving(self, entity, *, probing: bool = False) -> ClaimQuerySet:
        """Claims ``entity`` made (as speaker) or is a subject of. ``entity`` may be an
        instance, a pk or an ``OuterRef`` from an enclosing query.

        ``probing`` is for walking an index and stopping after a few matches (the entity page
        does for an entity in much of the coverage): each claim walked is then looked up among
        the entity's subjects by index (``ProbedExists``). PostgreSQL otherwise hashes all of
        the entity's subject rows first, which for such an entity costs more than the walk:
        0.7 ms per chart unit for the busiest of the full benchmark data, whose five units'
        walks test about 1,300 claims in all. (The walk is only taken when the entity has
        more claims than the walk tests, see ``entities.views._walk_is_cheaper``.)"""
        inner = OuterRef(entity) if isinstance(entity, OuterRef) else entity
        exists = ProbedExists if probing else Exists
        return self.filter(
            Q(speaker=entity)
            | exists(Claim.subjects.through.objects.filter(claim=OuterRef("pk"), entity=inner))
        )

    def involving_by_ids(self, entity) -> ClaimQuerySet:
        """The claims ``involving()`` selects, found by their ids: a UNION of the speaker and
        subject index lookups, so the cost follows how many claims the entity has. With
        ``involving()``'s OR, PostgreSQL either scans every claim (over 300 ms, half of it JIT
        compilation, to count the 5,000 of one entity among 100,000) or walks an index testing
        claims one by one (40 ms for the latest 25 of an entity with 30)."""
        return self.filter(pk__in=self.involving_ids(entity))

    def involving_ids(self, entity) -> models.QuerySet:
        """The ids of the claims ``entity`` made or is a subject of (a claim it made about
        itself comes twice): a subquery for ``pk__in``."""
        spoken = Claim.objects.filter(speaker=entity).order_by().values("pk")
        about = Claim.subjects.through.objects.filter(entity=entity).order_by().values("claim_id")
        return spoken.union(about, all=True)

    def about(self, entity) -> ClaimQuerySet:
        """Claims whose subjects include ``entity``."""
        return self.filter(
            Exists(Claim.subjects.through.objects.filter(claim=OuterRef("pk"), entity=entity))
        )

    def appearing_in(self, article) -> ClaimQuerySet:
        """Claims with an appearance in ``article``."""
        return self.filter(
            Exists(ClaimAppearance.objects.filter(claim=OuterRef("pk"), article=article))
        )

    def with_amount_usd(self) -> ClaimQuerySet:
        """Annotate ``amount_usd_value``: the figure in US dollars as stated (see amount_usd)."""
        return self.annotate(
            amount_usd_value=Case(
                When(unit="USD", then=F("amount")),
                When(equivalent_unit="USD", then=F("equivalent_amount")),
                default=None,
                output_field=models.DecimalField(max_digits=30, decimal_places=4),
            )
        )


class Claim(models.Model):
    """One checkable statement, with its verdict and, for figures, a structured value."""

    # What a key-figure chart shows of a claim (``charts.figure_charts``): lists of figures
    # load only these (``coverage_site.rows.instances``).
    CHART_FIELDS = ("id", "text", "status", *FIGURE_FIELDS)

    text = models.TextField("wording", help_text="The claim as one sentence, markers removed.")
    text_key = models.CharField(
        max_length=500,
        editable=False,
        db_index=True,
        help_text="Normalised wording for de-duplication.",
    )
    kind = models.CharField(
        "kind", max_length=20, choices=ClaimKind.choices, default=ClaimKind.FACT
    )
    speaker = models.ForeignKey(
        "entities.Entity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims_spoken",
        help_text="Who made the statement, for attributed claims.",
    )
    subjects = models.ManyToManyField(
        "entities.Entity", blank=True, related_name="claims_about", verbose_name="about"
    )
    sources = models.ManyToManyField(
        Source, through="ClaimSource", related_name="claims", blank=True
    )

    status = models.CharField(
        "verification status",
        max_length=20,
        choices=VerificationStatus.choices,
        default=VerificationStatus.UNVERIFIED,
        db_index=True,
    )
    status_note = models.TextField("verification note", blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)

    amount = models.DecimalField(
        "amount",
        max_digits=30,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="e.g. 5000000000",
    )
    unit = models.CharField(
        "unit", max_length=16, blank=True, help_text="ISO 4217 code (USD, KRW) or a unit (GPU, MW)."
    )
    equivalent_amount = models.DecimalField(
        "stated equivalent", max_digits=30, decimal_places=4, null=True, blank=True
    )
    equivalent_unit = models.CharField("equivalent unit", max_length=16, blank=True)
    figure_date = models.DateField(
        "refers to / target date",
        null=True,
        blank=True,
        help_text="The date the figure refers to, or the target date of a pledge (“by 2027”).",
    )
    figure_date_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, blank=True, default=""
    )
    pledge_status = models.CharField(
        "pledge status", max_length=10, choices=PledgeStatus.choices, blank=True
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    public_from = models.DateTimeField(
        null=True,
        editable=False,
        serialize=False,
        help_text="When readers may first see the claim: the earliest publish time of the "
        "published articles it appears in (None if none). Kept by database triggers "
        "(migration 0007), whatever writes the rows; never set it from Python.",
    )

    # public_from is derived: a history row or an export carrying a copy would go stale.
    history = HistoricalRecords(excluded_fields=["public_from"])
    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "pk"]
        permissions = [("verify_claim", "Can change claims' verification status")]
        indexes = [
            # Each unit's figures, largest first: ``ClaimQuerySet.charted`` walks it.
            models.Index(
                chart_unit(),
                chart_value().desc(),
                F("id"),
                condition=Q(amount__isnull=False),
                name="claim_chart_rank",
            ),
            # ``published()`` as a range on public_from; with the speaker and the id in the
            # index, the home page's counts of published claims per speaker and per subject
            # read it alone (index-only), not the claims' rows.
            models.Index(fields=["public_from", "speaker", "id"], name="articles_claim_public_idx"),
            # The default order, ties on the time included: a list of one entity's newest
            # claims walks it and stops after a page (the updated_at index alone sorted every
            # claim sharing the newest time, 4,000 at full benchmark size).
            models.Index(fields=["-updated_at", "id"], name="claim_updated_order"),
            # What a chart unit's size needs of a figure, read from the index alone: the
            # entity page counts an entity's figures per unit, looked up by id.
            models.Index(
                fields=["id"],
                include=["public_from", "unit", "equivalent_amount", "equivalent_unit"],
                condition=Q(amount__isnull=False),
                name="claim_figure_units",
            ),
            # The importer's "same figure already on file" lookup (amount, unit, date), read
            # from the index alone, ids in order: without it every import read all figures
            # (122 ms a lookup at 100,000 claims).
            models.Index(
                fields=["amount", "unit", "figure_date", "id"],
                condition=Q(amount__isnull=False),
                name="claim_same_figure",
            ),
            # The sitemap's claims section, in id order, read from the index alone however
            # deep its page: whether each claim is public, and its lastmod.
            models.Index(
                fields=["id"], include=["public_from", "updated_at"], name="claim_sitemap_order"
            ),
            # The explorer's unit choices: the distinct units, read a step a unit
            # (``filters._units_on_file``).
            models.Index(fields=["unit"], condition=~Q(unit=""), name="claim_unit"),
            # The pledge tracker's order (``in_pledge_order``), for pledges only: a page walks
            # it and stops, and the summary counts statuses from the index alone.
            models.Index(
                fields=["figure_date", "id"],
                include=["public_from", "pledge_status"],
                condition=Q(kind=ClaimKind.PLEDGE),
                name="claim_pledge_order",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True, unit="") | (Q(amount__isnull=False) & ~Q(unit="")),
                name="%(app_label)s_%(class)s_amount_has_unit",
            ),
            models.CheckConstraint(
                condition=Q(equivalent_amount__isnull=True, equivalent_unit="")
                | (Q(equivalent_amount__isnull=False) & ~Q(equivalent_unit="")),
                name="%(app_label)s_%(class)s_equivalent_has_unit",
            ),
            models.CheckConstraint(
                condition=Q(equivalent_amount__isnull=True) | Q(amount__isnull=False),
                name="%(app_label)s_%(class)s_equivalent_needs_amount",
            ),
            models.CheckConstraint(
                condition=~Q(kind=ClaimKind.FIGURE) | Q(amount__isnull=False),
                name="%(app_label)s_%(class)s_figure_has_amount",
            ),
            models.CheckConstraint(
                condition=Q(pledge_status="") | Q(kind=ClaimKind.PLEDGE),
                name="%(app_label)s_%(class)s_pledge_status_only_for_pledges",
            ),
            models.CheckConstraint(
                condition=Q(status__in=VerificationStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ClaimKind.values), name="%(app_label)s_%(class)s_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(text=""), name="%(app_label)s_%(class)s_text_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return self.text if len(self.text) <= 80 else self.text[:79] + "…"

    def save(self, *args, **kwargs) -> None:
        self.text_key = normalise_claim_text(self.text)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse_one(*CLAIM_ROUTE, self.pk)

    @property
    def has_figure(self) -> bool:
        return self.amount is not None

    @property
    def status_label(self) -> str:
        """``get_status_display()`` for list pages: a dict lookup, where Django's method
        rebuilds the choices as a dict on every call (a tenth of a claim card's time)."""
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def kind_label(self) -> str:
        """``get_kind_display()`` for list pages, as ``status_label``."""
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def amount_usd(self):
        """The figure in US dollars as the coverage states it (never converted by us)."""
        if self.unit == "USD":
            return self.amount
        if self.equivalent_unit == "USD":
            return self.equivalent_amount
        return None


def normalise_claim_text(text: str) -> str:
    """Wording folded for de-duplication: case, spacing, punctuation and markers removed."""
    without_markers = re.sub(r"\[\d+\]", " ", text)
    return normalise_name(without_markers)[:500]


class ClaimSource(models.Model):
    """A source backing a claim. Deleting a source still backing a claim is refused."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="claim_sources")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="claim_sources")

    class Meta:
        ordering = ["claim", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "source"], name="%(app_label)s_%(class)s_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.claim} ← {self.source}"


class ClaimAppearance(models.Model):
    """Where a claim appears: the article, the exact passage, its section and position."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="appearances")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="appearances")
    passage = models.TextField(
        "passage", help_text="The exact text of the body the claim comes from."
    )
    section = models.CharField("section", max_length=300, blank=True)
    position = models.PositiveIntegerField(
        "position", help_text="Order of the claim within the article, from 1."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "position"], name="%(app_label)s_%(class)s_unique_position"
            ),
            models.CheckConstraint(
                condition=~Q(passage=""), name="%(app_label)s_%(class)s_passage_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article} #{self.position}"


class CorrectionNote(models.Model):
    """A dated, public correction attached to a published article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    text = models.TextField("correction", help_text="What was wrong and what it now says.")
    published_at = models.DateTimeField("dated", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["article", "published_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(text=""), name="%(app_label)s_%(class)s_text_not_empty"
            )
        ]

    def __str__(self) -> str:
        return f"Correction to {self.article} ({self.published_at:%Y-%m-%d})"

    def clean(self) -> None:
        article = getattr(self, "article", None)
        if article is not None and article.status not in PUBLIC_STATUSES:
            raise ValidationError(
                "Corrections are for published articles; this one is "
                f"{article.get_status_display().lower()}, so edit it directly."
            )


class ArticleTransition(models.Model):
    """One workflow step of an article (draft → in review → published → archived): who and when."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=ArticleStatus.choices)
    to_status = models.CharField(max_length=20, choices=ArticleStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["article", "at"]

    def __str__(self) -> str:
        return f"{self.article}: {self.from_status} → {self.to_status}"


def _tally_entity() -> models.ForeignKey:
    """The entity a per-entity tally row counts for, with no foreign-key constraint: the rows
    follow the entity's claims, not the entity (an entity can only go once it has none, and
    its tallies are then zero). Its unique constraint's index leads with it."""
    return models.ForeignKey(
        "entities.Entity",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )


class EntityClaimTally(models.Model):
    """How many listed claims (``public_from`` set) involve an entity, per verification status:
    as speaker or as a subject, a claim counting once per entity.

    The four tallies are derived data kept by database triggers (``articles/tallies.py``,
    migration 0011) whatever writes the rows; never write them from Python except through
    ``tallies.recount()``. They count what is listed whatever the clock says; the reads
    subtract what is scheduled for later, so published counts stay right as time passes."""

    entity = _tally_entity()
    status = models.CharField(max_length=20)
    n = models.IntegerField(default=0)

    class Meta:
        db_table = "articles_tally_entity_claims"
        ordering = ["entity", "status"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "status"], name="articles_tally_claims_key")
        ]

    def __str__(self) -> str:
        return f"{self.entity_id} {self.status}: {self.n}"


class EntityTally(models.Model):
    """An entity's listed coverage as a whole: the listed claims involving it (any status;
    the sum of its ``EntityClaimTally`` rows) and the articles with status published (any
    time) mentioning it.

    The home page's most-cited list walks these rows down the index on ``(claims, articles)``
    and stops early (``tallies.most_cited``): a listed count is never below the published one,
    so a bound read here tells when no entity further down can still make the list."""

    entity = models.OneToOneField(
        "entities.Entity", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    claims = models.IntegerField(default=0)
    articles = models.IntegerField(default=0)

    class Meta:
        db_table = "articles_tally_entities"
        ordering = ["entity"]
        indexes = [
            models.Index(
                fields=["claims", "articles", "entity"], name="articles_tally_entities_rank"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entity_id}: {self.claims} claims, {self.articles} articles"


class ChartUnitTally(models.Model):
    """How many listed figures are charted in a unit (``chart_unit()``)."""

    unit = models.CharField(max_length=16, unique=True)
    n = models.IntegerField(default=0)

    class Meta:
        db_table = "articles_tally_chart_units"
        ordering = ["unit"]

    def __str__(self) -> str:
        return f"{self.unit}: {self.n}"


class EntityChartUnitTally(models.Model):
    """How many listed figures involving an entity (as speaker or as a subject, a claim
    counting once per entity) are charted in a unit (``chart_unit()``): the sizes of the
    entity page's charts, read as a few index rows instead of counted over its figures
    (migration 0013)."""

    entity = _tally_entity()
    unit = models.CharField(max_length=16)
    n = models.IntegerField(default=0)

    class Meta:
        db_table = "articles_tally_entity_chart_units"
        ordering = ["entity", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "unit"], name="articles_tally_units_key")
        ]

    def __str__(self) -> str:
        return f"{self.entity_id} {self.unit}: {self.n}"


class EventArticleTally(models.Model):
    """How many articles with status published (any time) cover an event."""

    event = models.OneToOneField(
        "entities.Entity", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    n = models.IntegerField(default=0)

    class Meta:
        db_table = "articles_tally_event_articles"
        ordering = ["event"]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.n}"


class SourceTally(models.Model):
    """How many listed links a source has: citations in articles with status published (any
    time) and backings of listed claims (``public_from`` set). ``Source.objects.
    public_listing()`` reads it, less what is scheduled for later, to list public sources
    without looking at every citation (migration 0016, whose triggers keep it)."""

    source = models.OneToOneField(
        Source, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    n = models.IntegerField(default=0)

    class Meta:
        db_table = "articles_tally_sources"
        ordering = ["source"]

    def __str__(self) -> str:
        return f"{self.source_id}: {self.n}"


# The fields of a claim's subjects that a claim card shows (``listing_details``).
LISTED_ENTITY_FIELDS = ("id", "name", "slug", "kind", "wikidata_id")


def _listed_subjects(ids: str) -> models.QuerySet:
    """The subjects of the claims ``ids`` (an ``id_array``): the entity's fields, then the
    claim's id; by name as ``Entity`` orders them."""
    subjects = Claim.subjects.through.objects.filter(AmongIds(ids, "claim_id"))
    columns = [f"entity__{name}" for name in LISTED_ENTITY_FIELDS]
    return subjects.order_by("entity__name", "entity_id").values_list(*columns, "claim_id")


def _public_appearances(ids: str) -> models.QuerySet:
    """The appearances of the claims ``ids`` in published articles, newest article first:
    the appearance's id, claim and article, then the article's id, title and slug."""
    appearances = ClaimAppearance.objects.filter(
        AmongIds(ids, "claim_id"), article__in=Article.objects.published()
    )
    return appearances.order_by("-article__published_at", "pk").values_list(
        "id", "claim_id", "article_id", "article__id", "article__title", "article__slug"
    )
