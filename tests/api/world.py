"""A small coverage world for API tests and the schemathesis server: public and hidden items.

Public: an event, a speaker, a company, two sources, a published article citing them with a
verified figure claim (spoken by the speaker, about the company) and an unverified one.
Hidden: a draft article with its own claim, source and entity, and a published claim's extra
appearance in that draft.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from articles.models import Article, Claim, ClaimKind, Source, VerificationStatus
from entities.models import Entity
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimAppearanceFactory,
    ClaimFactory,
    ClaimSourceFactory,
    EntityAliasFactory,
    EntityFactory,
    EventFactory,
    FigureClaimFactory,
    PersonFactory,
    PublishedArticleFactory,
    SourceFactory,
)


@dataclass
class World:
    event: Entity
    speaker: Entity
    company: Entity
    hidden_entity: Entity
    source: Source
    other_source: Source
    hidden_source: Source
    article: Article
    draft: Article
    verified: Claim
    unverified: Claim
    hidden_claim: Claim


def build_world() -> World:
    event = EventFactory(name="APEC CEO Summit 2025", slug="apec-ceo-summit-2025")
    speaker = PersonFactory(name="Chey Tae-won", slug="chey-tae-won")
    company = EntityFactory(name="SK Group", slug="sk-group", description="Korean conglomerate")
    EntityAliasFactory(entity=company, name="SK")
    hidden_entity = EntityFactory(name="Secret Startup", slug="secret-startup")
    source = SourceFactory(title="SK pledges data centre", publisher="Korea JoongAng Daily")
    other_source = SourceFactory(
        title="Summit opens in Gyeongju", publisher="Yonhap", language="ko"
    )
    hidden_source = SourceFactory(title="Unpublished memo")

    article = PublishedArticleFactory(
        title="SK pledges AI data centre",
        slug="sk-pledges-ai-data-centre",
        body="SK will invest $5 billion.[1] The summit opened.[2]",
        event=event,
        published_at=dt.datetime(2025, 10, 29, 9, tzinfo=dt.UTC),
    )
    article.mentions.add(company)
    CitationFactory(article=article, number=1, source=source)
    CitationFactory(article=article, number=2, source=other_source)

    verified = FigureClaimFactory(
        text="SK will invest $5 billion in an AI data centre.",
        kind=ClaimKind.PLEDGE,
        speaker=speaker,
        amount=Decimal("5000000000"),
        unit="USD",
        figure_date=dt.date(2027, 12, 31),
        status=VerificationStatus.VERIFIED,
    )
    verified.subjects.add(company)
    ClaimSourceFactory(claim=verified, source=source)
    ClaimAppearanceFactory(claim=verified, article=article, position=1)

    unverified = FigureClaimFactory(
        text="The summit drew 1,700 delegates worth 10.1 trillion won.",
        amount=Decimal("10100000000000"),
        unit="KRW",
        equivalent_amount=Decimal("7000000000"),
        equivalent_unit="USD",
    )
    unverified.subjects.add(event)
    ClaimSourceFactory(claim=unverified, source=other_source)
    ClaimAppearanceFactory(claim=unverified, article=article, position=2)

    draft = ArticleFactory(title="Draft scoop", slug="draft-scoop", event=event)
    draft.mentions.add(hidden_entity)
    CitationFactory(article=draft, number=1, source=hidden_source)
    hidden_claim = ClaimFactory(text="Secret Startup will list next year.", speaker=hidden_entity)
    ClaimSourceFactory(claim=hidden_claim, source=hidden_source)
    ClaimAppearanceFactory(claim=hidden_claim, article=draft, position=1)
    ClaimAppearanceFactory(claim=verified, article=draft, position=2)

    return World(
        event=event,
        speaker=speaker,
        company=company,
        hidden_entity=hidden_entity,
        source=source,
        other_source=other_source,
        hidden_source=hidden_source,
        article=article,
        draft=draft,
        verified=verified,
        unverified=unverified,
        hidden_claim=hidden_claim,
    )
