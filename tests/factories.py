"""factory-boy factories whose defaults satisfy every database constraint."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from articles.models import (
    Article,
    ArticleStatus,
    Citation,
    Claim,
    ClaimAppearance,
    ClaimKind,
    ClaimSource,
    Source,
)
from articles.roles import EDITOR, FACT_CHECKER, REPORTER, sync_role_groups
from entities.models import Entity, EntityAlias, EntityKind, EntityRelation, RelationKind


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    is_staff = True
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            if not Group.objects.filter(name=extracted).exists():
                sync_role_groups()  # a transactional test flushed the migration's groups
            self.groups.add(Group.objects.get(name=extracted))


def reporter(**kwargs):
    return UserFactory(role=REPORTER, **kwargs)


def fact_checker(**kwargs):
    return UserFactory(role=FACT_CHECKER, **kwargs)


def editor(**kwargs):
    return UserFactory(role=EDITOR, **kwargs)


class EntityFactory(factory.django.DjangoModelFactory[Entity]):
    class Meta:
        model = Entity

    name = factory.Sequence(lambda n: f"Entity {n}")
    slug = factory.Sequence(lambda n: f"entity-{n}")
    kind = EntityKind.ORGANIZATION


class EventFactory(EntityFactory):
    name = factory.Sequence(lambda n: f"Summit {n}")
    slug = factory.Sequence(lambda n: f"summit-{n}")
    kind = EntityKind.EVENT


class PersonFactory(EntityFactory):
    name = factory.Sequence(lambda n: f"Person {n}")
    slug = factory.Sequence(lambda n: f"person-{n}")
    kind = EntityKind.PERSON


class EntityAliasFactory(factory.django.DjangoModelFactory[EntityAlias]):
    class Meta:
        model = EntityAlias

    entity = factory.SubFactory(EntityFactory)
    name = factory.Sequence(lambda n: f"Alias {n}")


class SourceFactory(factory.django.DjangoModelFactory[Source]):
    class Meta:
        model = Source

    url = factory.Sequence(lambda n: f"https://news.example.org/story/{n}")
    title = factory.Sequence(lambda n: f"Source story {n}")
    publisher = "Example News"
    published_on = dt.date(2025, 10, 28)


class EntityRelationFactory(factory.django.DjangoModelFactory[EntityRelation]):
    class Meta:
        model = EntityRelation

    subject = factory.SubFactory(PersonFactory)
    kind = RelationKind.CHAIRMAN_OF
    object = factory.SubFactory(EntityFactory)
    source = factory.SubFactory(SourceFactory)


class ArticleFactory(factory.django.DjangoModelFactory[Article]):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Summit story {n}")
    slug = factory.Sequence(lambda n: f"summit-story-{n}")
    standfirst = "What happened at the summit."
    body = "Leaders met.[1]"
    byline = "Staff reporter"
    status = ArticleStatus.DRAFT


class PublishedArticleFactory(ArticleFactory):
    status = ArticleStatus.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))


class CitationFactory(factory.django.DjangoModelFactory[Citation]):
    class Meta:
        model = Citation

    article = factory.SubFactory(ArticleFactory)
    number = factory.Sequence(lambda n: n + 1)
    source = factory.SubFactory(SourceFactory)


class ClaimFactory(factory.django.DjangoModelFactory[Claim]):
    class Meta:
        model = Claim

    text = factory.Sequence(lambda n: f"Company {n} invested in a data centre.")
    kind = ClaimKind.FACT


class FigureClaimFactory(ClaimFactory):
    kind = ClaimKind.FIGURE
    amount = Decimal("5000000000")
    unit = "USD"


class ClaimSourceFactory(factory.django.DjangoModelFactory[ClaimSource]):
    class Meta:
        model = ClaimSource

    claim = factory.SubFactory(ClaimFactory)
    source = factory.SubFactory(SourceFactory)


class ClaimAppearanceFactory(factory.django.DjangoModelFactory[ClaimAppearance]):
    class Meta:
        model = ClaimAppearance

    claim = factory.SubFactory(ClaimFactory)
    article = factory.SubFactory(ArticleFactory)
    passage = factory.LazyAttribute(lambda a: a.claim.text)
    section = ""
    position = factory.Sequence(lambda n: n + 1)


# --- Public pages (issue 5) ---------------------------------------------------------------


class CorrectionNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "articles.CorrectionNote"

    article = factory.SubFactory(PublishedArticleFactory)
    text = "An earlier version misstated the size of the investment."


class ArticleTransitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "articles.ArticleTransition"

    article = factory.SubFactory(PublishedArticleFactory)
    from_status = ArticleStatus.DRAFT
    to_status = ArticleStatus.PUBLISHED
    at = factory.LazyAttribute(lambda t: t.article.published_at or timezone.now())


class PledgeClaimFactory(ClaimFactory):
    kind = ClaimKind.PLEDGE
    amount = Decimal("35000")
    unit = "GPU"
    figure_date = dt.date(2027, 12, 31)
    figure_date_precision = "year"
    pledge_status = "pending"


# --- Change feed and webhooks (issue 7) -------------------------------------------------------


class WebhookEndpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "sync.WebhookEndpoint"

    owner = factory.SubFactory(UserFactory)
    url = factory.Sequence(lambda n: f"https://hooks.example.org/in/{n}")
    description = factory.Sequence(lambda n: f"Mirror {n}")
    events = factory.LazyFunction(lambda: ["article.published", "claim.created"])
