"""A content set shaped like the seed (APEC CEO Summit 2025), built with factories.

One published article with claims, figures, a pledge, entities, relations and two sources;
plus, for every way an article can be hidden (draft, in review, scheduled, archived), an
article with its own claim, entity and source whose names all contain ``EMBARGOED``, so a
test can search every public response for that word.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from articles.models import (
    Article,
    ArticleStatus,
    Citation,
    Claim,
    ClaimKind,
    Source,
    VerificationStatus,
)
from entities.models import Entity, EntityKind, RelationKind
from tests.factories import (
    ArticleFactory,
    ArticleTransitionFactory,
    CitationFactory,
    ClaimAppearanceFactory,
    ClaimFactory,
    ClaimSourceFactory,
    EntityAliasFactory,
    EntityFactory,
    EntityRelationFactory,
    SourceFactory,
)

HIDDEN_WORD = "EMBARGOED"

BODY = """\
The Asia-Pacific Economic Cooperation (APEC) CEO Summit in Gyeongju, South Korea, was a \
showcase of the country’s rapid rise as an AI hub for the region.[1]

According to SK Group Chairman Chey Tae-won, Korea is uniquely positioned as a “testbed” for \
resolving global bottlenecks in AI infrastructure.[1]

## Mega investments and strategic partnerships

- AWS and SK Group investing $5 billion to build a large-scale data center in Ulsan.[1]
- Samsung Electronics and SK hynix partnering with OpenAI to supply memory chips for the \
$500 billion Stargate project.[2]
- Korea’s government tripling its 2026 AI budget to 10.1 trillion won ($7 billion), signaling a \
strong commitment to the sector.[1]

## Korea as the “third pole” in the AI race

- The state’s target of controlling 35,000 GPUs by 2027, with private sector plans adding \
another 15,000, would bring Korea’s total computing infrastructure to 50,000 GPUs.[1]
"""


@dataclass
class SummitContent:
    event: Entity
    sk_group: Entity
    aws: Entity
    chey: Entity
    government: Entity
    source: Source
    second_source: Source
    article: Article
    claims: dict[str, Claim]
    hidden: dict[str, dict] = field(default_factory=dict)
    extra_claims: list[Claim] = field(default_factory=list)


def _entities() -> dict[str, Entity]:
    event = EntityFactory(
        name="APEC CEO Summit 2025",
        slug="apec-ceo-summit-2025",
        kind=EntityKind.EVENT,
        description="The CEO Summit of the Asia-Pacific Economic Cooperation, Gyeongju.",
    )
    sk_group = EntityFactory(
        name="SK Group", slug="sk-group", description="South Korean conglomerate"
    )
    aws = EntityFactory(
        name="Amazon Web Services",
        slug="amazon-web-services",
        description="Cloud computing arm of Amazon",
        wikidata_id="Q456157",
    )
    EntityAliasFactory(entity=aws, name="AWS")
    chey = EntityFactory(
        name="Chey Tae-won",
        slug="chey-tae-won",
        kind=EntityKind.PERSON,
        description="Chairman of SK Group",
    )
    EntityAliasFactory(entity=chey, name="최태원", language="ko")
    government = EntityFactory(
        name="Government of South Korea",
        slug="government-of-south-korea",
        kind=EntityKind.GOVERNMENT_BODY,
    )
    openai = EntityFactory(name="OpenAI", slug="openai")
    gyeongju = EntityFactory(name="Gyeongju", slug="gyeongju", kind=EntityKind.PLACE)
    return {
        "event": event,
        "sk_group": sk_group,
        "aws": aws,
        "chey": chey,
        "government": government,
        "openai": openai,
        "gyeongju": gyeongju,
    }


def _claim(article, position, passage, sources, subjects=(), **fields) -> Claim:
    claim = ClaimFactory(**fields)
    claim.subjects.set(subjects)
    for source in sources:
        ClaimSourceFactory(claim=claim, source=source)
    ClaimAppearanceFactory(claim=claim, article=article, passage=passage, position=position)
    return claim


def _hide(kind: str, status: str, published_at, entity_role: str) -> dict:
    """An article readers may not see, with a claim, entity and source known only through it."""
    word = f"{HIDDEN_WORD} {kind}"
    source = SourceFactory(title=f"{word} source", url=f"https://leak.example.org/{kind}")
    entity = EntityFactory(name=f"{word} entity", slug=f"embargoed-{kind}")
    article = ArticleFactory(
        title=f"{word} story",
        slug=f"embargoed-{kind}-story",
        body=f"{word} secret figure of $99 billion.[1]",
        status=status,
        published_at=published_at,
        event=entity if entity_role == "event" else None,
    )
    CitationFactory(article=article, number=1, source=source)
    claim = ClaimFactory(
        text=f"{word} claim of $99 billion.",
        kind=ClaimKind.FIGURE,
        amount=Decimal("99000000000"),
        unit="USD",
        speaker=entity if entity_role == "speaker" else None,
    )
    if entity_role == "subject":
        claim.subjects.add(entity)
    if entity_role == "mention":
        article.mentions.add(entity)
    ClaimSourceFactory(claim=claim, source=source)
    ClaimAppearanceFactory(claim=claim, article=article, passage=claim.text, position=1)
    return {"article": article, "claim": claim, "entity": entity, "source": source}


def build_summit(*, extra_claims: int = 0, hidden: bool = True) -> SummitContent:
    """The seed-like content set; ``extra_claims`` adds that many more figure claims (each with
    its own subject entity) to the published article, for query-count tests."""
    e = _entities()
    now = timezone.now()
    published_at = now - dt.timedelta(hours=6)
    source = SourceFactory(
        title="From SK to OpenAI and AWS, global firms tout AI collaboration at APEC CEO Summit",
        url="https://koreajoongangdaily.joins.com/news/2025-10-28/business/industry/2430893",
        publisher="Korea JoongAng Daily",
        published_on=dt.date(2025, 10, 28),
        archived_url="https://web.archive.org/web/2025/https://koreajoongangdaily.joins.com/2430893",
    )
    second_source = SourceFactory(
        title="OpenAI signs Stargate memory deals with Samsung and SK hynix",
        publisher="Example Wire",
    )
    article = ArticleFactory(
        title="APEC CEO Summit 2025: Korea pitches itself as the AI hub of the Asia-Pacific",
        slug="apec-ceo-summit-2025-korea-ai-hub",
        standfirst="At the APEC CEO Summit in Gyeongju, SK Group, OpenAI, AWS, Samsung "
        "Electronics and SK hynix made the case for cross-border collaboration on AI.",
        byline="Summit Coverage staff",
        body=BODY,
        status=ArticleStatus.PUBLISHED,
        published_at=published_at,
        event=e["event"],
    )
    article.mentions.add(e["sk_group"], e["aws"], e["openai"], e["gyeongju"])
    ArticleTransitionFactory(article=article, at=published_at)
    CitationFactory(article=article, number=1, source=source)
    CitationFactory(article=article, number=2, source=second_source)
    claims = {
        "testbed": _claim(
            article,
            1,
            "Korea is uniquely positioned as a “testbed” for resolving global bottlenecks in "
            "AI infrastructure.[1]",
            [source],
            text="Korea is uniquely positioned as a testbed for resolving global bottlenecks "
            "in AI infrastructure.",
            kind=ClaimKind.STATEMENT,
            speaker=e["chey"],
        ),
        "investment": _claim(
            article,
            2,
            "AWS and SK Group investing $5 billion to build a large-scale data center in Ulsan.",
            [source],
            subjects=[e["aws"], e["sk_group"]],
            text="AWS and SK Group are investing $5 billion to build a data center in Ulsan.",
            kind=ClaimKind.FIGURE,
            amount=Decimal("5000000000"),
            unit="USD",
            status=VerificationStatus.VERIFIED,
            status_changed_at=published_at - dt.timedelta(hours=1),
        ),
        "stargate": _claim(
            article,
            3,
            "the $500 billion Stargate project.[2]",
            [second_source],
            subjects=[e["openai"]],
            text="The Stargate project is worth $500 billion.",
            kind=ClaimKind.FIGURE,
            amount=Decimal("500000000000"),
            unit="USD",
            status=VerificationStatus.DISPUTED,
        ),
        "budget": _claim(
            article,
            4,
            "Korea’s government tripling its 2026 AI budget to 10.1 trillion won ($7 billion)",
            [source],
            subjects=[e["government"]],
            text="Korea’s government tripled its 2026 AI budget to 10.1 trillion won ($7 billion).",
            kind=ClaimKind.FIGURE,
            amount=Decimal("10100000000000"),
            unit="KRW",
            equivalent_amount=Decimal("7000000000"),
            equivalent_unit="USD",
            figure_date=dt.date(2026, 1, 1),
            figure_date_precision="year",
        ),
        "gpus": _claim(
            article,
            5,
            "The state’s target of controlling 35,000 GPUs by 2027",
            [source],
            subjects=[e["government"]],
            text="Korea’s state targets controlling 35,000 GPUs by 2027.",
            kind=ClaimKind.PLEDGE,
            amount=Decimal("35000"),
            unit="GPU",
            figure_date=dt.date(2027, 12, 31),
            figure_date_precision="year",
            pledge_status="pending",
        ),
    }
    EntityRelationFactory(
        subject=e["chey"], kind=RelationKind.CHAIRMAN_OF, object=e["sk_group"], source=source
    )
    content = SummitContent(
        event=e["event"],
        sk_group=e["sk_group"],
        aws=e["aws"],
        chey=e["chey"],
        government=e["government"],
        source=source,
        second_source=second_source,
        article=article,
        claims=claims,
    )
    for n in range(extra_claims):
        company = EntityFactory(name=f"Partner company {n}", slug=f"partner-{n}")
        text = f"Partner company {n} commits ${n + 1} billion to AI data centres."
        article.body += f"\n- {text}[1]\n"
        content.extra_claims.append(
            _claim(
                article,
                100 + n,
                text,
                [source],
                subjects=[company, e["sk_group"]],
                text=text,
                kind=ClaimKind.FIGURE,
                amount=Decimal(n + 1) * Decimal("1e9"),
                unit="USD",
                speaker=e["chey"],
            )
        )
    if extra_claims:
        article.save(update_fields=["body"])
    if hidden:
        content.hidden = _hidden(content)
    _written_before(published_at - dt.timedelta(minutes=5), article)
    return content


def _written_before(moment, article: Article) -> None:
    """Date every row and history record as if written before ``moment``: the content was
    prepared, then published, so nothing counts yet as changed since publication."""
    for model in (Article, Claim, Source, Citation, Entity):
        model.history.update(history_date=moment)
    Article.objects.filter(pk=article.pk).update(updated_at=moment)
    Claim.objects.update(updated_at=moment)


def _hidden(content: SummitContent) -> dict[str, dict]:
    now = timezone.now()
    past = now - dt.timedelta(days=3)
    hidden = {
        "draft": _hide("draft", ArticleStatus.DRAFT, None, "speaker"),
        "review": _hide("review", ArticleStatus.IN_REVIEW, None, "mention"),
        "scheduled": _hide(
            "scheduled", ArticleStatus.PUBLISHED, now + dt.timedelta(days=1), "subject"
        ),
        "archived": _hide("archived", ArticleStatus.ARCHIVED, past, "event"),
    }
    draft = hidden["draft"]
    # A public claim that also appears in the draft: its page must not name the draft.
    ClaimAppearanceFactory(
        claim=content.claims["investment"],
        article=draft["article"],
        passage="EMBARGOED passage reusing the investment claim.",
        position=2,
    )
    # A relation from a public entity to one known only through the draft, via a hidden source.
    EntityRelationFactory(
        subject=content.sk_group,
        kind=RelationKind.PARTNER_OF,
        object=draft["entity"],
        source=draft["source"],
    )
    return hidden
