"""People, organisations, places, events and projects that coverage is about.

An Entity is one real-world thing with one page. Claims point at entities as their speaker or
their subjects, and articles at the event they cover; those links live on the ``articles`` side and
are reached from here through ``related_name`` accessors, so this app never imports ``articles``.
"""

from __future__ import annotations

import unicodedata

from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from coverage_site.fast_reverse import reverse_one

# The route and argument of an entity's page (``get_absolute_url``), for ``fast_reverse``.
ENTITY_ROUTE = ("entities:detail", "slug")


def normalise_name(name: str) -> str:
    """Fold a name for matching: case, accents, punctuation and spacing do not count."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    kept = "".join(ch if ch.isalnum() else " " for ch in folded)
    return " ".join(kept.split())


class EntityKind(models.TextChoices):
    PERSON = "person", "Person"
    ORGANIZATION = "organization", "Organisation"
    GOVERNMENT_BODY = "government_body", "Government body"
    PLACE = "place", "Place"
    EVENT = "event", "Event"
    PROJECT = "project", "Project or initiative"
    PRODUCT = "product", "Product or technology"


def _held_back_sql() -> tuple[str, list]:
    """SQL for the ids of the entities whose listed coverage is all scheduled for later, and
    its parameters: the tallies (``EntityTally``, ``EventArticleTally``) count listed claims
    involving an entity, articles with status published mentioning it and covering it as an
    event, whatever their time; an entity whose counts the scheduled claims and articles
    (``scheduled()``: listed but not yet due) use up entirely is not public yet. Only the
    entities those few rows involve are looked at.

    A scheduled claim's subjects are looked up by the claims' ids (as an array on
    PostgreSQL, whose planner otherwise hashed every subject row), and a claim counts once per
    entity, not again as a subject of its speaker's claim, as the tallies count it."""
    from django.apps import apps

    claim_model = apps.get_model("articles", "Claim")
    article_model = apps.get_model("articles", "Article")
    claims = claim_model.objects.scheduled().order_by()
    articles = article_model.objects.scheduled().order_by()
    parts = [
        claims.exclude(speaker=None).values("speaker_id"),
        claims.values("id", "speaker_id"),
        claims.values("id"),
        articles.values("id"),
        articles.exclude(event=None).values("event_id"),
    ]
    compiled = [part.query.sql_with_params() for part in parts]
    (speakers, _), (claim_rows, _), (claim_ids, _), (article_ids, _), (events, _) = compiled
    postgres = connection.vendor == "postgresql"
    among_claims = f"= ANY(ARRAY({claim_ids}))" if postgres else f"IN ({claim_ids})"
    among_articles = f"= ANY(ARRAY({article_ids}))" if postgres else f"IN ({article_ids})"
    table = {
        name: apps.get_model("articles", name)._meta.db_table
        for name in ("EntityTally", "EventArticleTally")
    }
    subjects = claim_model.subjects.through._meta.db_table
    mentions = article_model.mentions.through._meta.db_table
    sql = (
        "SELECT p.k FROM (SELECT k, SUM(c) AS c, SUM(a) AS a, SUM(v) AS v FROM ("
        f"SELECT s.speaker_id AS k, 1 AS c, 0 AS a, 0 AS v FROM ({speakers}) s "
        f"UNION ALL SELECT j.entity_id, 1, 0, 0 FROM {subjects} j "
        f"JOIN ({claim_rows}) c ON c.id = j.claim_id WHERE j.claim_id {among_claims} "
        "AND (c.speaker_id IS NULL OR c.speaker_id <> j.entity_id) "
        f"UNION ALL SELECT m.entity_id, 0, 1, 0 FROM {mentions} m "
        f"WHERE m.article_id {among_articles} "
        f"UNION ALL SELECT e.event_id, 0, 0, 1 FROM ({events}) e"
        ") pending GROUP BY k) p "
        f"LEFT JOIN {table['EntityTally']} t ON t.entity_id = p.k "
        f"LEFT JOIN {table['EventArticleTally']} v ON v.event_id = p.k "
        "WHERE COALESCE(t.claims, 0) <= p.c AND COALESCE(t.articles, 0) <= p.a "
        "AND COALESCE(v.n, 0) <= p.v"
    )
    return sql, [param for _, params in compiled for param in params]


class EntityQuerySet(models.QuerySet):
    def public(self) -> EntityQuerySet:
        """Entities readers may see: those reached through published coverage only (the event
        or a mention of a published article, the speaker or a subject of a published claim).

        Asked entity by entity (four EXISTS, each stopping at its first find): right for a
        few entities (a page, a slug, a page of ids). A whole list is cheaper to work out
        with ``public_listing()``, the same entities read from the tallies."""
        from django.apps import apps

        article_model = apps.get_model("articles", "Article")
        claim_model = apps.get_model("articles", "Claim")
        published_articles = article_model.objects.published()
        public_claims = claim_model.objects.published()
        return self.filter(
            Exists(published_articles.filter(event=OuterRef("pk")))
            | Exists(published_articles.filter(mentions=OuterRef("pk")))
            | Exists(public_claims.filter(speaker=OuterRef("pk")))
            | Exists(public_claims.filter(subjects=OuterRef("pk")))
        )

    def public_listing(self) -> EntityQuerySet:
        """The entities ``public()`` finds, worked out for a whole list (a count, a page in
        some order, a sitemap) from the tallies the database keeps (``articles/tallies.py``):
        those whose tallies count some listed coverage, less those whose listed coverage is
        all scheduled for later (``_held_back_sql``, read here at once: usually none). It
        reads the tallies and the scheduled rows, not the published coverage: ``public()``
        over every entity made PostgreSQL hash every published article, mention, claim and
        subject (100 ms a statement on the full benchmark data, and the API's list ran two:
        a count and a page), and asked entity by entity it took as long. For a few entities
        ``public()`` is cheaper: this always reads the scheduled rows."""
        from django.apps import apps

        tally = apps.get_model("articles", "EntityTally")
        event_tally = apps.get_model("articles", "EventArticleTally")
        listed = Q(
            pk__in=tally.objects.filter(Q(claims__gt=0) | Q(articles__gt=0)).values("entity_id")
        ) | Q(pk__in=event_tally.objects.filter(n__gt=0).values("event_id"))
        with connection.cursor() as cursor:  # once, not in both the count and the page
            cursor.execute(*_held_back_sql())
            held_back = [pk for (pk,) in cursor.fetchall()]
        return self.filter(listed).exclude(pk__in=held_back)

    def visible_to(self, user, *, listing: bool = False) -> EntityQuerySet:
        """Staff with a role see every entity (drafts' too); everyone else only public ones
        (``listing``: for a whole list, ``public_listing()``)."""
        if (
            user is not None
            and user.is_active
            and user.is_staff
            and user.has_perm("entities.view_entity")
        ):
            return self.all()
        return self.public_listing() if listing else self.public()

    def matching_name(self, name: str) -> EntityQuerySet:
        """Entities whose name or one of whose aliases matches ``name`` once normalised."""
        key = normalise_name(name)
        return self.filter(Q(name_key=key) | Q(aliases__name_key=key)).distinct()


class Entity(models.Model):
    """A person, organisation, government body, place, event, project or product."""

    name = models.CharField(
        "name", max_length=200, help_text="Canonical name, e.g. “Chey Tae-won” or “SK Group”."
    )
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    slug = models.SlugField(
        "slug", max_length=200, unique=True, help_text="Used in the URL, e.g. “chey-tae-won”."
    )
    kind = models.CharField("kind", max_length=20, choices=EntityKind.choices)
    description = models.CharField(
        "short description",
        max_length=300,
        blank=True,
        help_text="One line, e.g. “Chairman of SK Group”.",
    )
    wikidata_id = models.CharField(
        "Wikidata ID",
        max_length=20,
        blank=True,
        help_text="e.g. “Q483634”; leave blank if unknown.",
    )
    needs_review = models.BooleanField(
        "needs review",
        default=False,
        help_text="Set by the importer for names found by rule rather than the gazetteer.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    history = HistoricalRecords()
    objects = EntityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            # The API's list order (name, id): a page is read from the index, each entity
            # checked in the tallies as it comes, instead of sorting every public entity.
            models.Index(fields=["name", "id"], name="entity_name_order"),
        ]
        verbose_name_plural = "entities"
        permissions = [("merge_entity", "Can merge duplicate entities")]
        constraints = [
            models.UniqueConstraint(
                fields=["wikidata_id"],
                condition=~Q(wikidata_id=""),
                name="%(app_label)s_%(class)s_unique_wikidata_id",
            ),
            models.CheckConstraint(
                condition=Q(wikidata_id="") | Q(wikidata_id__regex=r"^Q[1-9][0-9]*$"),
                name="%(app_label)s_%(class)s_wikidata_id_format",
            ),
            models.CheckConstraint(
                condition=~Q(name=""), name="%(app_label)s_%(class)s_name_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=EntityKind.values), name="%(app_label)s_%(class)s_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name_key = normalise_name(self.name)
        if not self.slug:
            self.slug = slugify(self.name)[:200] or "entity"
        old_slug = getattr(self, "_loaded_slug", None)
        if old_slug == self.slug:
            super().save(*args, **kwargs)
            return
        with transaction.atomic():  # a new entity, or a renamed one
            super().save(*args, **kwargs)
            # The slug is this entity's now: an old address must not lead elsewhere.
            EntityRedirect.objects.filter(old_slug=self.slug).delete()
            # Only an address readers could have seen is kept: another would tell them that
            # an unpublished entity existed.
            if old_slug and Entity.objects.public().filter(pk=self.pk).exists():
                EntityRedirect.remember(old_slug, self)
        self._loaded_slug = self.slug

    def get_absolute_url(self) -> str:
        return reverse_one(*ENTITY_ROUTE, self.slug)

    @classmethod
    def from_db(cls, db, field_names, values):
        return cls.loaded_from_db(super().from_db(db, field_names, values))

    @staticmethod
    def loaded_from_db(entity: Entity) -> Entity:
        """What ``from_db`` adds to Django's (``coverage_site.rows`` calls it too)."""
        entity._loaded_slug = entity.__dict__.get("slug")  # what a rename redirects from
        return entity

    @property
    def wikidata_url(self) -> str:
        return f"https://www.wikidata.org/wiki/{self.wikidata_id}" if self.wikidata_id else ""


class EntityAlias(models.Model):
    """Another name for an entity: an abbreviation (AWS), a short form (Korea), another script."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField("alias", max_length=200, help_text="e.g. “AWS” or “최태원”.")
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    language = models.CharField(
        "language", max_length=10, blank=True, help_text="BCP 47 code such as “ko”, if not English."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "aliases"
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "name_key"], name="%(app_label)s_%(class)s_unique_per_entity"
            ),
            models.CheckConstraint(
                condition=~Q(name=""), name="%(app_label)s_%(class)s_name_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name_key = normalise_name(self.name)
        super().save(*args, **kwargs)


class RelationKind(models.TextChoices):
    CHAIRMAN_OF = "chairman_of", "chairman of"
    CEO_OF = "ceo_of", "chief executive of"
    EXECUTIVE_OF = "executive_of", "executive of"
    OFFICIAL_OF = "official_of", "official of"
    MEMBER_OF = "member_of", "member of"
    PART_OF = "part_of", "part of"
    SUBSIDIARY_OF = "subsidiary_of", "subsidiary of"
    LOCATED_IN = "located_in", "located in"
    PARTNER_OF = "partner_of", "partner of"
    INVESTOR_IN = "investor_in", "investor in"
    ORGANISER_OF = "organiser_of", "organiser of"


class EntityRelation(models.Model):
    """A typed, sourced link between two entities: “Chey Tae-won — chairman of — SK Group”."""

    subject = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="relations")
    kind = models.CharField("relation", max_length=20, choices=RelationKind.choices)
    object = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="inverse_relations")
    source = models.ForeignKey(
        "articles.Source",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entity_relations",
        help_text="The document that establishes this relation.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["subject__name", "kind", "object__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "kind", "object"], name="%(app_label)s_%(class)s_unique"
            ),
            models.CheckConstraint(
                condition=~Q(subject=models.F("object")),
                name="%(app_label)s_%(class)s_not_self",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=RelationKind.values),
                name="%(app_label)s_%(class)s_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} — {self.get_kind_display()} — {self.object}"


class EntityRedirect(models.Model):
    """An address an entity's page had: its slug before a rename, or a merged duplicate's.

    Readers' bookmarks and other sites' links to the old address are sent to the entity's page
    (a permanent redirect) instead of a 404. Kept by ``Entity.save`` (renames) and the merge
    service; deleting the entity deletes its old addresses.
    """

    old_slug = models.SlugField("old slug", max_length=200, unique=True)
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_slug"]

    def __str__(self) -> str:
        return f"{self.old_slug} → {self.entity.slug}"

    @classmethod
    def remember(cls, old_slug: str, entity: Entity) -> None:
        """Send ``old_slug`` to ``entity`` from now on (replacing where it went before)."""
        cls.objects.update_or_create(old_slug=old_slug, defaults={"entity": entity})
