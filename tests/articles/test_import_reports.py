"""The importer on other reports: a second report worded differently, claims already on file,
and an edited report updating its article in place."""

from decimal import Decimal

import pytest

from articles.importer import import_report
from articles.models import Article, Claim, ClaimKind, VerificationStatus
from articles.services import citation_problems
from entities.models import Entity, EntityKind, EntityRelation
from tests.articles.import_helpers import SECOND, SEED_SIDECAR, seed_bytes, seed_text
from tests.factories import ClaimAppearanceFactory, ClaimFactory, PublishedArticleFactory

pytestmark = pytest.mark.django_db

SECOND_TITLE = "Tokyo AI Infrastructure Forum 2026: Capital Follows the Chips"
NEEDS_REVIEW = {
    "Kestrel Capital Partners": EntityKind.ORGANIZATION,
    "Yuki Tanaka": EntityKind.PERSON,
    "Hanbit Semiconductor Inc.": EntityKind.ORGANIZATION,
    "Mirae Robotics": EntityKind.ORGANIZATION,
    "Park Ji-hoon": EntityKind.PERSON,
    "Ministry of Digital Affairs": EntityKind.GOVERNMENT_BODY,
}


def _import_second():
    return import_report(text=SECOND.read_bytes())


def _import_seed(text=None):
    return import_report(text=text or seed_bytes(), sidecar=SEED_SIDECAR)


def test_second_report_takes_its_title_from_its_first_line():
    """Without a sidecar, a leading heading is the headline and leaves the body."""
    article = _import_second().article
    assert article.title == SECOND_TITLE
    assert article.slug == "tokyo-ai-infrastructure-forum-2026-capital-follows-the-chips"
    assert not article.body.startswith("#")
    assert "\n## What was announced\n" in article.body
    assert "\n1. Hanbit Semiconductor Inc. will invest ¥150 billion" in article.body


def test_second_report_drops_its_own_furniture():
    """Other trailing furniture is dropped too, and reported."""
    result = _import_second()
    for furniture in ("Share this article", "Related stories", "Comments (3)", "Subscribe"):
        assert furniture not in result.article.body
    assert [text for _, text in result.dropped][0] == "Share this article"


def test_second_report_sources_tracking_parameters_and_uncited_warning():
    """utm_ parameters are stripped; a source never cited is a warning, still listed."""
    result = _import_second()
    citations = {c.number: c.source for c in result.article.citations.all()}
    assert sorted(citations) == [1, 2, 3, 4, 5]
    assert citations[1].url == "https://www.example-news.com/markets/kestrel-fund"
    assert citations[1].title == "Kestrel Capital launches AI infrastructure fund"
    assert str(citations[2].published_on) == "2026-03-04"
    assert (
        "line 22: source [5] “Background: AI chip supply chains” is listed but never cited "
        "in the text"
    ) in result.warnings


def test_second_report_figures_in_other_currencies_and_units():
    """€ with a $ equivalent, ¥, £, GW with a target year, and a count of engineers."""
    _import_second()
    fund = Claim.objects.get(text__contains="€2.5 billion")
    assert (fund.amount, fund.unit) == (Decimal("2500000000"), "EUR")
    assert (fund.equivalent_amount, fund.equivalent_unit) == (Decimal("2700000000"), "USD")
    assert Claim.objects.get(text__contains="¥150 billion").unit == "JPY"
    pounds = Claim.objects.get(text__contains="£400m")
    assert (pounds.amount, pounds.unit) == (Decimal("400000000"), "GBP")
    capacity = Claim.objects.get(text__contains="1.5 GW")
    assert (capacity.kind, capacity.amount, capacity.unit) == ("pledge", Decimal("1.5"), "GW")
    assert capacity.figure_date.year == 2030
    hires = Claim.objects.get(text__contains="1,200 engineers")
    assert (hires.amount, hires.unit) == (Decimal(1200), "engineer")


def test_second_report_several_markers_on_one_sentence():
    """“…sites.[1][2]” backs the claim with both sources, and its sentence before it too."""
    _import_second()
    for start in ("Investors and chipmakers met", "Kestrel Capital Partners announced"):
        claim = Claim.objects.get(text__startswith=start)
        assert sorted(s.url for s in claim.sources.all()) == [
            "https://asia.example.org/2026/03/04/hanbit-kumamoto",
            "https://www.example-news.com/markets/kestrel-fund",
        ]


def test_second_report_uncited_sentence_is_not_a_claim():
    """“Analysts expect more deals…” follows the last marker of its paragraph."""
    _import_second()
    assert not Claim.objects.filter(text__startswith="Analysts expect").exists()


def test_second_report_speakers_found_by_rule():
    """Appositive and titled speakers, and their surnames later in the paragraph."""
    _import_second()
    tanaka = Entity.objects.get(name="Yuki Tanaka")
    assert tanaka.description == "Chief executive of Kestrel Capital Partners"
    said = Claim.objects.get(text__startswith="“We are building for the decade")
    assert (said.kind, said.speaker) == (ClaimKind.STATEMENT, tanaka)
    park = Entity.objects.get(name="Park Ji-hoon")
    assert park.description == "CEO of Mirae Robotics"
    assert EntityRelation.objects.filter(
        subject=park, kind="ceo_of", object__name="Mirae Robotics"
    ).exists()
    added = Claim.objects.get(text__startswith="Park added that")
    assert added.speaker == park
    assert set(added.subjects.values_list("name", flat=True)) == {"Ministry of Digital Affairs"}


def test_second_report_unknown_names_need_review():
    """Names found by rule are created needing review and listed in the warnings."""
    result = _import_second()
    review = dict(Entity.objects.filter(needs_review=True).values_list("name", "kind"))
    assert review == NEEDS_REVIEW
    assert not Entity.objects.get(name="Tokyo").needs_review
    warning = next(w for w in result.warnings if w.startswith("found by rule"))
    assert all(name in warning for name in NEEDS_REVIEW)


def test_second_report_has_no_citation_problems():
    """Every claim is sourced and every figure stored appears in its passage."""
    assert citation_problems(_import_second().article) == []


def test_claim_on_file_with_the_same_figure_and_entities_gets_an_appearance():
    """“SK Group and AWS will spend $5 billion … Ulsan” is the seed's AWS claim again."""
    _import_seed()
    seed_claims = Claim.objects.count()
    result = _import_second()
    aws = Claim.objects.get(text__startswith="AWS and SK Group investing $5 billion")
    assert aws.appearances.count() == 2
    second = aws.appearances.get(article=result.article)
    assert second.passage.startswith("SK Group and AWS will spend $5 billion")
    budget = Claim.objects.get(text__startswith="Korea’s government tripling")
    assert budget.appearances.count() == 2
    assert result.article.appearances.count() == 11
    assert Claim.objects.count() == seed_claims + 11 - 2
    assert citation_problems(result.article) == []


def test_claim_on_file_with_the_same_wording_gets_an_appearance():
    """Same normalised wording (case, punctuation) means the same claim, not a duplicate."""
    other = PublishedArticleFactory()
    existing = ClaimFactory(
        text="the summit brought together TITANS of the tech world - including SK Group, "
        "OpenAI, Amazon Web Services (AWS), Samsung Electronics and SK hynix, to discuss the "
        "urgent need for global collaboration in AI infrastructure"
    )
    ClaimAppearanceFactory(claim=existing, article=other, position=1)
    _import_seed()
    existing.refresh_from_db()
    assert existing.appearances.count() == 2
    assert existing.sources.count() == 1
    assert Claim.objects.filter(text__icontains="titans of the tech world").count() == 1


def test_edited_report_updates_the_article_in_place():
    """A changed figure, a removed bullet and a new source: same article, new version."""
    _import_seed()
    article = Article.objects.get()
    verified = Claim.objects.get(text__startswith="Partnerships with global giants")
    verified.status = VerificationStatus.VERIFIED
    verified.save()
    edited = (
        seed_text()
        .replace("investing $5 billion", "investing $6 billion")
        .replace(
            "- Partnerships with global giants like AWS, OpenAI, and BlackRock illustrate Korea’s "
            "unique ability to mediate and integrate technologies across borders and sectors.[1]\n",
            "",
        )
        .replace(
            "Korea’s Path Forward: Collaboration and Value Creation\n",
            "Korea’s Path Forward: Collaboration and Value Creation\n\nNvidia will supply "
            "260,000 GPUs to Korean firms.[2]\n",
        )
        .replace("\n\nReply", "\n[2] Nvidia supplies Korea https://example.org/nvidia\n\nReply")
    )
    result = _import_seed(edited.encode())
    updated = Article.objects.get()
    assert updated.pk == article.pk
    assert updated.version == article.version + 1
    assert "$6 billion" in updated.body and "$5 billion" not in updated.body
    assert sorted(updated.citations.values_list("number", flat=True)) == [1, 2]
    assert not Claim.objects.filter(amount=Decimal("5000000000")).exists()
    six = Claim.objects.get(amount=Decimal("6000000000"))
    assert six.appearances.get().article == updated
    nvidia = Claim.objects.get(text__startswith="Nvidia will supply")
    assert (nvidia.amount, nvidia.unit) == (Decimal(260000), "GPU")
    assert nvidia.subjects.get().name == "Nvidia"
    assert not verified.appearances.exists()
    assert Claim.objects.filter(pk=verified.pk).exists()
    assert any(f"claim #{verified.pk}" in warning for warning in result.warnings)
    assert result.deleted["claims"] == 1
    assert list(updated.appearances.values_list("position", flat=True)) == list(range(1, 20))
    assert citation_problems(updated) == []
