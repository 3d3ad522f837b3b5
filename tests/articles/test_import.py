"""The report importer on the seed report: the article, claims, figures, speakers and entities it
must produce (a golden test), publishing, and idempotence."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from articles.importer import ReportImportError, import_report
from articles.models import (
    Article,
    ArticleStatus,
    Claim,
    ClaimKind,
    PledgeStatus,
    Source,
)
from articles.services import citation_problems
from entities.models import Entity, EntityKind, EntityRelation
from tests.articles.import_helpers import SEED_SIDECAR, seed_bytes, snapshot
from tests.factories import editor, reporter

pytestmark = pytest.mark.django_db

# (kind, speaker, start of the wording) of every claim, in order of appearance.
GOLDEN_CLAIMS = [
    ("fact", None, "The Asia-Pacific Economic Cooperation (APEC) CEO Summit in Gyeongju"),
    ("fact", None, "The summit brought together titans of the tech world"),
    ("statement", "Chey Tae-won", "According to SK Group Chairman Chey Tae-won, Korea is"),
    ("statement", "Chey Tae-won", "Chey argued that while these giants dwarf other nations"),
    ("figure", None, "AWS and SK Group investing $5 billion"),
    ("figure", None, "Samsung Electronics and SK hynix partnering with OpenAI"),
    ("figure", None, "Korea’s government tripling its 2026 AI budget"),
    ("statement", "Ha Jung-woo", "Senior Presidential Secretary Ha Jung-woo stressed that"),
    ("statement", "Ha Jung-woo", "He emphasized that semiconductor advances"),
    ("fact", None, "These cross-border partnerships now form the backbone"),
    ("opinion", None, "Korea’s position as a 3rd player"),
    ("fact", None, "The country combines world-leading memory chip innovation"),
    ("fact", None, "Unlike the inward-looking AI strategies of China and the U.S."),
    ("pledge", None, "The state’s target of controlling 35,000 GPUs by 2027"),
    ("fact", None, "Partnerships with global giants like AWS, OpenAI, and BlackRock"),
    ("fact", None, "Speakers at the summit repeatedly underscored"),
    ("opinion", None, "Korea’s “agentic AI” initiatives"),
    ("fact", None, "Korea’s ascent in the AI arena is no longer theoretical"),
    ("opinion", None, "With openness and cooperation at the core of its strategy"),
]
MENTIONED = {
    "Amazon Web Services",
    "BlackRock",
    "Chey Tae-won",
    "China",
    "Government of South Korea",
    "Gyeongju",
    "Ha Jung-woo",
    "OpenAI",
    "SK Group",
    "SK hynix",
    "Samsung Electronics",
    "South Korea",
    "Stargate",
    "Taiwan",
    "Ulsan",
    "United States",
}


def _import_seed(**kwargs):
    return import_report(text=seed_bytes(), sidecar=SEED_SIDECAR, **kwargs)


def _claim(start: str) -> Claim:
    return Claim.objects.get(text__startswith=start)


def _subjects(claim: Claim) -> set[str]:
    return set(claim.subjects.values_list("name", flat=True))


def test_seed_becomes_one_article_with_the_sidecar_metadata():
    """Title, slug, standfirst, byline, date and event come from the sidecar."""
    result = _import_seed()
    article = Article.objects.get()
    assert result.article == article
    assert (article.title, article.slug) == (SEED_SIDECAR["title"], SEED_SIDECAR["slug"])
    assert article.standfirst == SEED_SIDECAR["standfirst"]
    assert article.byline == SEED_SIDECAR["byline"]
    assert timezone.localdate(article.published_at) == dt.date(2025, 10, 29)
    assert article.status == ArticleStatus.DRAFT
    assert article.event.name == "APEC CEO Summit 2025"
    assert article.event.kind == EntityKind.EVENT


def test_seed_body_keeps_structure_and_drops_page_furniture():
    """Headings, paragraphs, bullets and markers survive; “Reply” and the rest do not."""
    _import_seed()
    body = Article.objects.get().body
    assert "\n## Mega Investments and Strategic Partnerships\n" in body
    assert "\n## Korea’s Path Forward: Collaboration and Value Creation\n" in body
    assert "\n- AWS and SK Group investing $5 billion to build a large-scale data center" in body
    assert body.count("[1]") == 10  # every marker of the report; the 11th was in Sources
    assert body.startswith("The Asia-Pacific Economic Cooperation (APEC) CEO Summit")
    for furniture in ("Reply", "or to participate", "Keep Reading", "No posts found", "Sources"):
        assert furniture not in body
    assert "koreajoongangdaily" not in body


def test_seed_source_becomes_citation_one():
    """The Sources entry is a normalised Source with publisher and date, cited as [1]."""
    result = _import_seed()
    citation = result.article.citations.get()
    source = citation.source
    assert citation.number == 1
    assert source.url.startswith("https://koreajoongangdaily.joins.com/news/2025-10-28/")
    assert source.title == "From SK to OpenAI and AWS, global firms tout AI collaboration …"
    assert source.publisher == "Korea JoongAng Daily"
    assert source.published_on == dt.date(2025, 10, 28)


def test_seed_claims_golden():
    """Every claim, in order, with its kind and speaker; each appears once and cites [1]."""
    result = _import_seed()
    appearances = list(result.article.appearances.select_related("claim__speaker"))
    found = [
        (a.claim.kind, a.claim.speaker.name if a.claim.speaker else None, a.claim.text)
        for a in appearances
    ]
    assert [(kind, speaker) for kind, speaker, _ in found] == [
        (kind, speaker) for kind, speaker, _ in GOLDEN_CLAIMS
    ]
    for (_, _, text), (_, _, start) in zip(found, GOLDEN_CLAIMS, strict=True):
        assert text.startswith(start)
    assert [a.position for a in appearances] == list(range(1, 20))
    source = Source.objects.get()
    assert all(list(a.claim.sources.all()) == [source] for a in appearances)
    assert all("[1]" not in a.claim.text for a in appearances)
    assert result.created["claims"] == 19


def test_seed_figures_golden():
    """$5 billion, $500 billion, 10.1 trillion won ($7 billion) and 35,000 GPUs by 2027."""
    _import_seed()
    aws = _claim("AWS and SK Group investing")
    assert (aws.kind, aws.amount, aws.unit) == (ClaimKind.FIGURE, Decimal("5000000000"), "USD")
    assert _subjects(aws) == {"Amazon Web Services", "SK Group", "Ulsan"}
    stargate = _claim("Samsung Electronics and SK hynix")
    assert (stargate.amount, stargate.unit) == (Decimal("500000000000"), "USD")
    assert {"Stargate", "OpenAI", "Samsung Electronics", "SK hynix"} <= _subjects(stargate)
    budget = _claim("Korea’s government tripling")
    assert (budget.amount, budget.unit) == (Decimal("10100000000000"), "KRW")
    assert (budget.equivalent_amount, budget.equivalent_unit) == (Decimal("7000000000"), "USD")
    assert _subjects(budget) == {"Government of South Korea"}
    gpus = _claim("The state’s target of controlling 35,000 GPUs")
    assert (gpus.kind, gpus.amount, gpus.unit) == (ClaimKind.PLEDGE, Decimal(35000), "GPU")
    assert (gpus.figure_date, gpus.figure_date_precision) == (dt.date(2027, 1, 1), "year")
    assert gpus.pledge_status == PledgeStatus.PENDING
    assert Claim.objects.filter(amount__isnull=False).count() == 4


def test_seed_speakers_and_their_subjects():
    """Chey speaks the “testbed” statement; Ha Jung-woo “stressed that”; “He” is Ha."""
    _import_seed()
    testbed = _claim("According to SK Group Chairman Chey Tae-won")
    assert "“testbed”" in testbed.text
    assert (testbed.kind, testbed.speaker.name) == (ClaimKind.STATEMENT, "Chey Tae-won")
    assert _subjects(testbed) == {"South Korea", "United States"}
    stressed = _claim("Senior Presidential Secretary Ha Jung-woo stressed that")
    assert (stressed.kind, stressed.speaker.name) == (ClaimKind.STATEMENT, "Ha Jung-woo")
    assert _claim("He emphasized").speaker == stressed.speaker
    assert _subjects(_claim("He emphasized")) == {"South Korea", "Taiwan", "United States"}
    assert _claim("Chey argued").speaker == testbed.speaker


def test_seed_entities_from_the_gazetteer():
    """People with roles, companies, places, the project and the event, with aliases and IDs."""
    result = _import_seed()
    article = result.article
    assert set(article.mentions.values_list("name", flat=True)) == MENTIONED
    chey = Entity.objects.get(name="Chey Tae-won")
    assert (chey.kind, chey.description) == (EntityKind.PERSON, "Chairman of SK Group")
    assert chey.aliases.get(name="최태원").language == "ko"
    assert Entity.objects.matching_name("AWS").get().name == "Amazon Web Services"
    assert Entity.objects.matching_name("Korea").get().wikidata_id == "Q884"
    assert Entity.objects.get(name="OpenAI").wikidata_id == "Q21708200"
    assert Entity.objects.get(name="SK Group").wikidata_id == ""
    assert Entity.objects.get(name="Stargate").kind == EntityKind.PROJECT
    assert Entity.objects.get(name="Government of South Korea").kind == "government_body"
    assert EntityRelation.objects.filter(
        subject=chey, kind="chairman_of", object__name="SK Group"
    ).exists()
    assert not Entity.objects.filter(needs_review=True).exists()
    assert Entity.objects.count() == len(MENTIONED) + 1  # and the event
    assert result.warnings == []


def test_seed_has_no_citation_problems():
    """Every claim has a source and every stored figure appears in its passage."""
    result = _import_seed()
    assert citation_problems(result.article) == []


def test_import_as_published_sets_time_and_records_the_transition():
    """--status published: status and published_at agree; the step is in the history."""
    result = _import_seed(status="published")
    article = Article.objects.get()
    assert article.is_public
    assert timezone.localdate(article.published_at) == dt.date(2025, 10, 29)
    step = article.transitions.get()
    assert (step.from_status, step.to_status, step.by) == ("draft", "published", None)
    assert result.updated["status"] == 1
    assert Article.objects.published().get() == article


def test_import_as_published_without_a_date_publishes_now():
    """No date anywhere: the article is published as of the import."""
    sidecar = {k: v for k, v in SEED_SIDECAR.items() if k != "published"}
    before = timezone.now()
    import_report(text=seed_bytes(), sidecar=sidecar, status="published")
    assert Article.objects.get().published_at >= before


def test_reimport_as_draft_unpublishes_with_a_transition():
    """A later --status draft takes the article back to draft, recorded as a step."""
    _import_seed(status="published")
    _import_seed(status="draft")
    article = Article.objects.get()
    assert article.status == ArticleStatus.DRAFT
    assert list(article.transitions.values_list("to_status", flat=True)) == ["published", "draft"]


def test_editor_may_import_and_publish_and_is_recorded():
    """An editor's upload publishes with the editor named on the transition."""
    by = editor()
    _import_seed(status="published", by=by)
    assert Article.objects.get().transitions.get().by == by


def test_reporter_may_import_drafts_but_not_publish():
    """Publishing is for editors: a reporter's published import is refused and leaves nothing."""
    by = reporter()
    with pytest.raises(PermissionDenied):
        _import_seed(status="published", by=by)
    assert not Article.objects.exists()
    _import_seed(by=by)
    assert Article.objects.get().status == ArticleStatus.DRAFT


def test_second_import_changes_nothing():
    """Same file again: no row, timestamp, version or history record changes."""
    _import_seed(status="published")
    before = snapshot()
    result = _import_seed(status="published")
    assert result.unchanged
    assert not (result.created or result.updated or result.deleted)
    assert snapshot() == before


def test_publishing_an_article_with_an_unsourced_claim_is_refused_atomically():
    """A bullet list without any marker gives unsourced claims; publishing it fails cleanly."""
    text = "A summit happened.[1]\n\nNotes\n\n- Firms invested $3 billion.\n\nSources\n[1] T https://example.org/a\n"
    before = snapshot()
    with pytest.raises(ReportImportError, match="cannot be published"):
        import_report(text=text, title="Notes from a summit", status="published")
    assert snapshot() == before
    result = import_report(text=text, title="Notes from a summit")
    assert any("cites no source" in warning for warning in result.warnings)
