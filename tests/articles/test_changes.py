"""“What changed since first publication”, built from history records and correction notes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from articles.changes import moved_columns, public_since
from articles.models import Article, ArticleStatus
from articles.presenters import article_page_context
from tests.factories import (
    ArticleFactory,
    ArticleTransitionFactory,
    CitationFactory,
    CorrectionNoteFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def _changes(article) -> list[str]:
    return [change.text for change in article_page_context(article)["changes"]]


def test_nothing_changed_right_after_publication(summit):
    """Edits made before the article went public are not listed."""
    assert _changes(summit.article) == []


def test_verdict_change_after_publication_is_listed(summit):
    """A claim's new verdict is listed with the old and new status."""
    claim = summit.claims["stargate"]
    claim.status = "false"
    claim.save()
    assert _changes(summit.article) == [
        "Verdict on “The Stargate project is worth $500 billion.” changed from Disputed to False."
    ]


def test_figure_and_wording_changes_are_listed(summit):
    """A corrected figure and a reworded claim each get a line, oldest first."""
    claim = summit.claims["investment"]
    claim.amount = Decimal("6000000000")
    claim.save()
    claim.text = "AWS and SK Group are investing $6 billion in Ulsan."
    claim.save()
    lines = _changes(summit.article)
    assert lines[0].startswith("Figure in “AWS and SK Group are investing $5 billion")
    assert "from $5 billion to $6 billion" in lines[0]
    assert lines[1].startswith("Claim reworded: was “AWS and SK Group are investing $5 billion")


def test_pledge_status_change_is_listed(summit):
    """A pledge marked met is listed."""
    claim = summit.claims["gpus"]
    claim.pledge_status = "met"
    claim.save()
    assert _changes(summit.article) == [
        "Pledge “Korea’s state targets controlling 35,000 GPUs by 2027.” now marked Met "
        "(was Pending)."
    ]


def test_citation_added_replaced_and_removed_are_listed(summit):
    """Adding, repointing and removing a numbered source are each listed."""
    added = CitationFactory(article=summit.article, number=3, source=SourceFactory(title="New"))
    added.source = SourceFactory(title="Newer")
    added.save()
    added.delete()
    assert _changes(summit.article) == [
        "Source [3] added: “New”.",
        "Source [3] replaced: was “New”, now “Newer”.",
        "Source [3] removed: “Newer”.",
    ]


def test_source_corrections_are_listed(summit):
    """A cited source whose address is corrected after publication is listed."""
    summit.source.url = "https://koreajoongangdaily.joins.com/corrected"
    summit.source.save()
    assert _changes(summit.article) == [f"Source “{summit.source.title}”: address corrected."]


def test_correction_notes_are_part_of_the_list(summit):
    """Correction notes appear in the list, in date order with the other changes."""
    CorrectionNoteFactory(article=summit.article, text="The budget figure was in won.")
    assert _changes(summit.article) == ["Correction: The budget figure was in won."]


def test_scheduled_article_counts_from_its_publish_time():
    """For an article scheduled ahead, readers' “first publication” is the publish time."""
    go_live = timezone.now() - dt.timedelta(hours=1)
    article = ArticleFactory(status=ArticleStatus.PUBLISHED, published_at=go_live)
    ArticleTransitionFactory(article=article, at=go_live - dt.timedelta(days=1))
    assert public_since(article) == go_live


def test_backdated_article_counts_from_when_it_was_published():
    """A publish time earlier than the publishing step counts from the publishing step."""
    published = timezone.now() - dt.timedelta(hours=1)
    article = ArticleFactory(
        status=ArticleStatus.PUBLISHED, published_at=published - dt.timedelta(days=30)
    )
    ArticleTransitionFactory(article=article, at=published)
    assert public_since(article) == published


def test_never_published_draft_has_no_change_list():
    """A draft has no first publication and so no changes."""
    article = ArticleFactory(status=ArticleStatus.DRAFT)
    assert public_since(article) is None
    assert _changes(article) == []


def test_changes_are_shown_on_the_article_page(client, summit):
    """The page lists the change and dates it, linking to the claim."""
    claim = summit.claims["stargate"]
    claim.status = "verified"
    claim.save()
    html = client.get(summit.article.get_absolute_url()).content.decode()
    section = html.split("What changed since first publication", 1)[1]
    assert "changed from Disputed to Verified" in section
    assert f'href="#claim-{claim.pk}"' in section
    assert "Updated <time" in html


def test_no_updated_time_until_something_public_changes(client, summit):
    """A freshly published article shows its publication time only."""
    html = client.get(summit.article.get_absolute_url()).content.decode()
    assert "Published <time" in html
    assert "Updated <time" not in html
    assert "article:modified_time" not in html


def test_editing_the_text_after_publication_sets_the_updated_time(client, summit):
    """A headline edit after publication shows an updated time (not listed as a change)."""
    summit.article.title = "Korea pitches itself as the AI hub of the Asia-Pacific"
    summit.article.save()
    html = client.get(summit.article.get_absolute_url()).content.decode()
    assert "Updated <time" in html
    assert "article:modified_time" in html
    assert _changes(summit.article) == []


def test_saving_without_changing_the_text_sets_no_updated_time(client, summit):
    """A save that changes nothing readers see does not count as an update."""
    summit.article.save()
    html = client.get(summit.article.get_absolute_url()).content.decode()
    assert "Updated <time" not in html


@pytest.mark.parametrize("change", ["none", "verdict", "correction", "headline", "source"])
def test_checks_read_with_the_article_give_the_same_log(summit, change):
    """The article page reads the change log's checks with the article; the log is the one
    ``article_page_context`` builds when it runs them on their own."""
    article = summit.article
    if change == "verdict":
        summit.claims["stargate"].status = "false"
        summit.claims["stargate"].save()
    elif change == "correction":
        CorrectionNoteFactory(article=article)
    elif change == "headline":
        article.title = "A corrected headline"
        article.save()
    elif change == "source":
        summit.source.publisher = "Corrected publisher"
        summit.source.save()
    read = Article.objects.published_with_slug(article.slug, extra=moved_columns())
    together = article_page_context(read, moved=read.extra_values)
    apart = article_page_context(Article.objects.published_with_slug(article.slug))
    for key in ("changes", "corrections", "updated_at"):
        assert together[key] == apart[key]
    # A new headline is no listed change: it shows as the page's update time.
    assert bool(together["changes"]) == (change in {"verdict", "correction", "source"})
